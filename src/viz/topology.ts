/**
 * The topology renderer, an orchestrator of layers in the factory shape the viz layer uses:
 * `createTopology({ svg }) -> { update, showPacket, setView, zoomBy, resetZoom, destroy }`. d3 owns
 * the `<g>` it creates inside the given SVG and nothing else; React owns the SVG element itself.
 *
 * - layout: the pure path-focused layout (pathLayout.ts) of the scene for the walk being shown,
 *   recomputed when the scene, the size, the walk's places, expansions or the view change;
 * - pan/zoom: its own behaviour (panZoom.ts), auto-fitting each new walk at or above the
 *   legibility floor, keeping the user's zoom until reset;
 * - static layers (layers/static.ts): network, nodes and chips, keyed joins on element ids;
 * - dynamic layers: the path (trail, link in use, hop ahead), the selection (the current place's
 *   outline) and the packet, moved with requestAnimationFrame, never through React state.
 *
 * Where a hop happens comes from an injected `placeHop` (viz/ imports only datapath/ types).
 */
import { easeCubicInOut, select } from 'd3';
import type { Hop } from '../datapath/hop';
import type { HopPlace, Scene } from '../scene/scene';
import type { Point } from './layout';
import { drawPath, type PathParts } from './layers/path';
import { createPacketLayer } from './layers/packet';
import { renderNetwork, renderNodes } from './layers/static';
import { lazyPanZoom, type CreatePanZoom } from './lazyPanZoom';
import { layoutPath, NO_FOCUS, pathFocus, type Focus, type FocusLayout } from './pathLayout';
import { pathLength, pointAlong, routePoints } from './packetPath';

export { outerLabel } from './layers/packet';
export { fitText } from './text';

export type PlaceHop = (scene: Scene, hop: Hop) => Pick<HopPlace, 'id' | 'via'>;

export interface TopologyView {
  /** Every node and pod in full instead of the path-focused picture. */
  readonly whole: boolean;
  /** Multiplies fonts and sizes (presenter mode). */
  readonly fontScale: number;
}

export interface TopologyOptions {
  readonly svg: SVGSVGElement;
  /** Called with `ns/pod` when a pod is clicked or chosen with Enter/Space. */
  readonly onSelectPod?: (podKey: string) => void;
  /** Where a hop is; without it a hop is placed on its node's box. */
  readonly placeHop?: PlaceHop;
  readonly view?: Partial<TopologyView>;
  /** Makes the pan/zoom behaviour; by default it is loaded on demand (lazyPanZoom.ts). */
  readonly panZoom?: CreatePanZoom;
}

export interface PacketOptions {
  readonly reducedMotion: boolean;
  /** How long the move to this hop takes; 0 jumps. */
  readonly durationMs: number;
  /** The walk's drop reason, for the drop marker's tooltip (else the hop's match). */
  readonly dropReason?: string;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface Topology {
  /**
   * A new scene or size. `hops`, the walk about to be shown in it (the next showPacket's): a new
   * scene is laid out focused on it at once, not on the previous walk and then again (issue 15).
   */
  update(scene: Scene | null, size: Size, hops?: readonly Hop[]): void;
  showPacket(hops: readonly Hop[], index: number, opts: PacketOptions): void;
  setView(view: Partial<TopologyView>): void;
  zoomBy(k: number): void;
  resetZoom(): void;
  destroy(): void;
}

/**
 * A node's pod ranges in one line that fits `width`: all of them, or the first and how many more.
 */
export function podRangesText(
  ranges: { readonly caption: string; readonly cidrs: readonly string[] },
  width: number,
  fontSize: number,
): string {
  const all = `${ranges.caption} ${ranges.cidrs.join(', ')}`;
  const max = Math.max(1, Math.floor(width / (fontSize * 0.6)));
  if (all.length <= max || ranges.cidrs.length <= 1)
    return all.length <= max ? all : `${all.slice(0, max - 1)}…`;
  const short = `${ranges.caption} ${ranges.cidrs[0]} +${ranges.cidrs.length - 1}`;
  return short.length <= max ? short : `${short.slice(0, max - 1)}…`;
}

const defaultPlace: PlaceHop = (scene, hop) => ({
  id: scene.nodes.find((n) => n.name === hop.node)?.id ?? scene.outside.id,
  via: [],
});

const sameFocus = (a: Focus, b: Focus) =>
  a.nodes.join('|') === b.nodes.join('|') &&
  [...a.pods].join('|') === [...b.pods].join('|') &&
  [...a.network].join('|') === [...b.network].join('|');

export function createTopology({
  svg,
  onSelectPod,
  placeHop = defaultPlace,
  view: initialView,
  panZoom: createPanZoom = lazyPanZoom(),
}: TopologyOptions): Topology {
  const root = select(svg).append('g').attr('class', 'topology');
  const surface = root
    .append('rect')
    .attr('class', 'zoom-surface')
    .attr('fill', 'none')
    .attr('pointer-events', 'all');
  const viewport = root.append('g').attr('class', 'viewport');
  const network = viewport.append('g').attr('class', 'network');
  const pathLayer = viewport.append('g').attr('class', 'path-layer');
  const hosts = viewport.append('g').attr('class', 'nodes');
  const packetLayer = viewport.append('g').attr('class', 'packet-layer');
  const packet = createPacketLayer(packetLayer);
  const panZoom = createPanZoom({ surface: root.node()!, viewport: viewport.node()! });

  let view: TopologyView = { whole: false, fontScale: 1, ...initialView };
  let scene: Scene | null = null;
  let size: Size = { width: 0, height: 0 };
  let focus: Focus = NO_FOCUS;
  let focusHops: readonly Hop[] | null = null;
  const expanded = new Set<string>();
  let layout: FocusLayout | null = null;
  const elements = new Map<string, SVGElement>();
  let current: string | null = null;
  let position: Point | null = null;
  let shown: { hops: readonly Hop[]; index: number; opts: PacketOptions } | null = null;
  let frame: number | null = null;

  function register(id: string, el: SVGElement | null) {
    if (!el) return;
    el.setAttribute('data-id', id);
    elements.set(id, el);
  }

  function relayout(fit: boolean) {
    stop();
    elements.clear();
    current = null;
    layout =
      scene && size.width > 0 && size.height > 0
        ? layoutPath(scene, focus, {
            width: size.width,
            height: size.height,
            fontScale: view.fontScale,
            expanded,
            whole: view.whole,
          })
        : null;
    if (scene) root.attr('data-cni', scene.cni);
    const empty: FocusLayout | null = layout;
    if (!scene || !empty) {
      network.selectAll('*').remove();
      hosts.selectAll('*').remove();
      drawPath(pathLayer, null);
      return;
    }
    renderNetwork(network, scene, empty, register);
    renderNodes(hosts, scene, empty, register, {
      ...(onSelectPod ? { onSelectPod } : {}),
      onToggleChip: (chip) => {
        if (expanded.has(chip.node)) expanded.delete(chip.node);
        else expanded.add(chip.node);
        relayout(false);
        replay();
      },
    });
    packet.placeCaption(empty.caption, empty.fontSize);
    if (fit) panZoom.fit({ x: 0, y: 0, width: empty.width, height: empty.height }, empty.focusBox);
  }

  /** Puts the packet back where it was, without animating. */
  function replay() {
    const again = shown;
    position = null;
    shown = null;
    if (again) show(again.hops, again.index, { ...again.opts, reducedMotion: true, durationMs: 0 });
    else hidePacket();
  }

  function highlight(id: string | null) {
    if (current) elements.get(current)?.classList.remove('is-current');
    current = id;
    if (id) elements.get(id)?.classList.add('is-current');
  }

  function stop() {
    if (frame !== null && typeof cancelAnimationFrame === 'function') cancelAnimationFrame(frame);
    frame = null;
  }

  function hidePacket() {
    stop();
    packet.hide();
    drawPath(pathLayer, null);
    highlight(null);
    position = null;
  }

  function place(p: Point) {
    position = p;
    packet.moveTo(p);
  }

  /** The legs of the walk up to `index`, and the next one. */
  function pathParts(hops: readonly Hop[], index: number): PathParts | null {
    if (!scene || !layout) return null;
    const s = scene;
    const l = layout;
    const places = hops.map((h) => placeHop(s, h));
    const leg = (i: number) =>
      i > 0 && places[i] && places[i - 1]
        ? routePoints(l, places[i - 1]!.id, places[i]!.id, places[i]!.via)
        : [];
    const trail: Point[][] = [];
    for (let i = 1; i < index; i++) trail.push(leg(i));
    return { trail, current: leg(index), next: index + 1 < hops.length ? leg(index + 1) : [] };
  }

  /** A new walk refocuses the layout on its places (and auto-fits). */
  function refocus(hops: readonly Hop[]) {
    if (!scene || hops === focusHops) return;
    focusHops = hops;
    const s = scene;
    const next = pathFocus(
      s,
      hops.flatMap((h) => {
        const p = placeHop(s, h);
        return [p.id, ...p.via];
      }),
    );
    if (!sameFocus(next, focus) || !layout) {
      focus = next;
      expanded.clear();
      relayout(true);
    } else if (layout) {
      panZoom.fit({ x: 0, y: 0, width: layout.width, height: layout.height }, layout.focusBox);
    }
  }

  function show(hops: readonly Hop[], index: number, opts: PacketOptions) {
    refocus(hops);
    const previous = shown;
    shown = { hops, index, opts };
    stop();
    const hop = hops[index];
    if (!scene || !layout || !hop) return hidePacket();
    const s = scene;
    const l = layout;
    const here = placeHop(s, hop);
    const target = l.anchors[here.id];
    if (!target) return hidePacket();

    let points: Point[] = [target];
    const sameWalk = previous?.hops === hops && position !== null;
    if (sameWalk && previous.index === index - 1 && hops[index - 1]) {
      const from = placeHop(s, hops[index - 1]!);
      points = routePoints(l, from.id, here.id, here.via);
    } else if (sameWalk && previous.index === index + 1 && hops[index + 1]) {
      // Stepping back retraces the way the packet came.
      const next = placeHop(s, hops[index + 1]!);
      points = routePoints(l, here.id, next.id, next.via).reverse();
    } else if (position) {
      points = [position, target];
    }
    if (position && points.length > 0) points[0] = position;

    highlight(here.id);
    drawPath(pathLayer, pathParts(hops, index));
    packet.dress(hop);
    // Frame the leg into this hop when it fits the panel, else the hop itself: the user never
    // has to pan to find the packet (the fit never scales below the legibility floor).
    const leg = [...points, target];
    const x0 = Math.min(...leg.map((p) => p.x)) - 30;
    const y0 = Math.min(...leg.map((p) => p.y)) - 30;
    const legBox = {
      x: x0,
      y: y0,
      width: Math.max(...leg.map((p) => p.x)) + 30 - x0,
      height: Math.max(...leg.map((p) => p.y)) + 30 - y0,
    };
    panZoom.reveal(
      legBox.width <= size.width && legBox.height <= size.height
        ? legBox
        : { x: target.x - 40, y: target.y - 40, width: 80, height: 80 },
    );

    const arrive = () => {
      frame = null;
      place(target);
      packet.outcome(hop, target, opts.dropReason);
    };
    const canAnimate =
      !opts.reducedMotion &&
      opts.durationMs > 0 &&
      pathLength(points) > 0.5 &&
      typeof requestAnimationFrame === 'function';
    if (!canAnimate) return arrive();
    place(points[0]!);
    let start: number | null = null;
    const tick = (now: number) => {
      start ??= now;
      const t = Math.min(1, (now - start) / opts.durationMs);
      place(pointAlong(points, easeCubicInOut(t)));
      if (t < 1) frame = requestAnimationFrame(tick);
      else arrive();
    };
    frame = requestAnimationFrame(tick);
  }

  return {
    update(nextScene, nextSize, nextHops) {
      const sizeChanged = nextSize.width !== size.width || nextSize.height !== size.height;
      const sceneChanged = nextScene !== scene;
      size = nextSize;
      surface.attr('width', Math.max(0, size.width)).attr('height', Math.max(0, size.height));
      panZoom.setSize(size.width, size.height);
      if (!sceneChanged && !sizeChanged) return;
      if (sceneChanged) {
        scene = nextScene;
        focus = NO_FOCUS;
        focusHops = null;
        expanded.clear();
        const hops = nextHops ?? shown?.hops;
        if (scene && hops) {
          // Focus on the walk being shown (or about to be), in the new scene.
          focus = pathFocus(
            scene,
            hops.flatMap((h) => {
              const p = placeHop(scene!, h);
              return [p.id, ...p.via];
            }),
          );
          focusHops = hops;
        }
        // The previous walk is not replayed into a scene laid out for the next one (its refocus
        // would lay the scene out again): the next showPacket places the packet.
        if (nextHops && shown && shown.hops !== nextHops) shown = null;
      }
      relayout(true);
      replay();
    },
    showPacket(hops, index, opts) {
      show(hops, index, opts);
    },
    setView(next) {
      const merged = { ...view, ...next };
      if (merged.whole === view.whole && merged.fontScale === view.fontScale) return;
      view = merged;
      relayout(true);
      replay();
    },
    zoomBy(k) {
      panZoom.scaleBy(k);
    },
    resetZoom() {
      panZoom.reset();
    },
    destroy() {
      stop();
      panZoom.destroy();
      root.remove();
      elements.clear();
    },
  };
}
