/**
 * Pan and zoom as a behaviour of its own (xyflow's XYPanZoom habit): d3-zoom on the element it is
 * given, moving one viewport `<g>`. It frames a box at a scale never below the legibility floor
 * (a drawing larger than the panel is panned, not shrunk), and remembers whether the user zoomed,
 * so an automatic fit does not undo their zoom until they reset it.
 */
import { select, zoom as d3zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3';
import type { Box } from './layout';

export interface PanZoomOptions {
  /** The element that takes wheel and drag events. */
  readonly surface: SVGGElement;
  /** The element that is moved. */
  readonly viewport: SVGGElement;
  /** The automatic fit never scales below this (1: labels at their laid-out size). */
  readonly minFitScale?: number;
  readonly maxFitScale?: number;
}

export interface PanZoom {
  setSize(width: number, height: number): void;
  /**
   * Frames `content` (the whole drawing) in the panel: centred when it fits, else scaled to the
   * floor and panned so `focus` (the walk's part) shows from its top left. Skipped when the user
   * zoomed, unless `force`.
   */
  fit(content: Box, focus: Box, force?: boolean): void;
  /** Pans (without zooming) so `box` is in view, unless the user zoomed. */
  reveal(box: Box): void;
  scaleBy(k: number): void;
  reset(): void;
  readonly userZoomed: boolean;
  destroy(): void;
}

export function createPanZoom({
  surface,
  viewport,
  minFitScale = 1,
  maxFitScale = 1.6,
}: PanZoomOptions): PanZoom {
  const root = select(surface);
  let width = 1;
  let height = 1;
  let userZoomed = false;
  let last: { content: Box; focus: Box } | null = null;
  let current: ZoomTransform = zoomIdentity;
  const behaviour: ZoomBehavior<SVGGElement, unknown> = d3zoom<SVGGElement, unknown>()
    .scaleExtent([0.25, 6])
    .filter((event: Event) => {
      // d3's default filter, minus double-click (it would fight clicks on pods).
      const e = event as MouseEvent;
      return (!e.ctrlKey || e.type === 'wheel') && !e.button && e.type !== 'dblclick';
    })
    .on('zoom', (event: { transform: ZoomTransform; sourceEvent: Event | null }) => {
      current = event.transform;
      if (event.sourceEvent) userZoomed = true;
      viewport.setAttribute('transform', event.transform.toString());
    });
  root.call(behaviour);

  const apply = (t: ZoomTransform) => root.call(behaviour.transform, t);

  function framing(content: Box, focus: Box): ZoomTransform {
    const k = Math.max(
      minFitScale,
      Math.min(maxFitScale, width / content.width, height / content.height),
    );
    const tx =
      content.width * k <= width ? (width - content.width * k) / 2 - content.x * k : -focus.x * k;
    const ty =
      content.height * k <= height
        ? (height - content.height * k) / 2 - content.y * k
        : -focus.y * k;
    return zoomIdentity.translate(tx, ty).scale(k);
  }

  return {
    setSize(w, h) {
      width = Math.max(1, w);
      height = Math.max(1, h);
      behaviour.extent([
        [0, 0],
        [width, height],
      ]);
    },
    fit(content, focus, force = false) {
      last = { content, focus };
      if (userZoomed && !force) return;
      apply(framing(content, focus));
    },
    reveal(box) {
      if (userZoomed) return;
      const k = current.k;
      const x0 = current.applyX(box.x);
      const y0 = current.applyY(box.y);
      const x1 = current.applyX(box.x + box.width);
      const y1 = current.applyY(box.y + box.height);
      let dx = 0;
      let dy = 0;
      if (x1 > width) dx = width - x1 - 8;
      if (x0 + dx < 0) dx = -x0 + 8;
      if (y1 > height) dy = height - y1 - 8;
      if (y0 + dy < 0) dy = -y0 + 8;
      if (dx !== 0 || dy !== 0)
        apply(zoomIdentity.translate(current.x + dx, current.y + dy).scale(k));
    },
    scaleBy(k) {
      userZoomed = true;
      root.call(behaviour.scaleBy, k);
    },
    reset() {
      userZoomed = false;
      if (last) apply(framing(last.content, last.focus));
      else apply(zoomIdentity);
    },
    get userZoomed() {
      return userZoomed;
    },
    destroy() {
      root.on('.zoom', null);
    },
  };
}
