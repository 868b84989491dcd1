/**
 * Pan and zoom, loaded on demand (issue 15, lazy loading): d3-zoom brings d3-transition,
 * d3-interpolate, d3-color and d3-drag, a tenth of the page's first script. The topology has nothing
 * to frame until the worker sends its first scene, so the behaviour loads beside that instead of
 * before the page can draw. Until it is here, this stand-in keeps the latest size and framing asked
 * for (and any zoom the user asked for) and hands them over; the drawing stays hidden meanwhile, so
 * it never shows unframed and then jumps.
 */
import type { Box } from './layout';
import type { PanZoom, PanZoomOptions } from './panZoom';

export type CreatePanZoom = (options: PanZoomOptions) => PanZoom;

export const loadPanZoom = (): Promise<CreatePanZoom> =>
  import('./panZoom').then((m) => m.createPanZoom);

export function lazyPanZoom(load: () => Promise<CreatePanZoom> = loadPanZoom): CreatePanZoom {
  return (options) => {
    let real: PanZoom | null = null;
    let destroyed = false;
    let size: [number, number] | null = null;
    let fit: { content: Box; focus: Box } | null = null;
    const asked: ((p: PanZoom) => void)[] = [];
    options.viewport.setAttribute('visibility', 'hidden');
    void load().then((create) => {
      if (destroyed) return;
      real = create(options);
      if (size) real.setSize(...size);
      if (fit) real.fit(fit.content, fit.focus);
      asked.splice(0).forEach((a) => a(real!));
      options.viewport.removeAttribute('visibility');
    });
    return {
      setSize(width, height) {
        if (real) real.setSize(width, height);
        else size = [width, height];
      },
      fit(content, focus, force) {
        if (real) real.fit(content, focus, force);
        else fit = { content, focus };
      },
      reveal(box) {
        // Before the first framing, the fit above already puts the walk's part in view.
        real?.reveal(box);
      },
      scaleBy(k) {
        if (real) real.scaleBy(k);
        else asked.push((p) => p.scaleBy(k));
      },
      reset() {
        if (real) real.reset();
        else asked.push((p) => p.reset());
      },
      get userZoomed() {
        return real?.userZoomed ?? false;
      },
      destroy() {
        destroyed = true;
        real?.destroy();
      },
    };
  };
}
