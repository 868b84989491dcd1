/**
 * The topology renderer: a behaviour in the factory shape the whole viz layer uses,
 * `createTopology({ svg }) -> { update, showPacket, zoomBy, resetZoom, destroy }`. d3 owns the
 * `<g>` it creates inside the given SVG and nothing else; React owns the SVG element itself.
 *
 * What it draws comes from a `Scene` (datapath/scene.ts) laid out by the pure `layoutScene`. The
 * packet is a marker moved with requestAnimationFrame from the previous hop's place to the current
 * one, never through React state. Where a hop happens is worked out by datapath's `placeHop`, which
 * the caller injects (viz/ may only import datapath/ types).
 */
import { easeCubicInOut, select, zoom as d3zoom, zoomIdentity, type ZoomBehavior } from 'd3';
import type { Hop, PacketHeader } from '../datapath/hop';
import type { HopPlace, Scene } from '../datapath/scene';
import { layoutScene, type Point, type SceneLayout } from './layout';
import { pathLength, pointAlong, routePoints } from './packetPath';

export type PlaceHop = (scene: Scene, hop: Hop) => HopPlace;

export interface TopologyOptions {
  readonly svg: SVGSVGElement;
  /** Called with `ns/pod` when a pod is clicked. */
  readonly onSelectPod?: (podKey: string) => void;
  /** datapath/scene.ts `placeHop`; without it a hop is placed on its node's box. */
  readonly placeHop?: PlaceHop;
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
  update(scene: Scene | null, size: Size): void;
  showPacket(hops: readonly Hop[], index: number, opts: PacketOptions): void;
  zoomBy(k: number): void;
  resetZoom(): void;
  destroy(): void;
}

/** Keeps a label within `width` pixels at `fontSize` (no text measuring in a layout pass). */
export function fitText(text: string, width: number, fontSize: number): string {
  const max = Math.max(1, Math.floor(width / (fontSize * 0.6)));
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/**
 * A node's pod ranges in one line that fits `width`: `IPAM blocks 10.244.1.0/26, 10.244.1.64/26`,
 * or the first range and how many more (`IPAM blocks 10.244.1.0/26 +2`) when they do not all fit;
 * the tooltip lists them all.
 */
export function podRangesText(
  ranges: { readonly caption: string; readonly cidrs: readonly string[] },
  width: number,
  fontSize: number,
): string {
  const all = `${ranges.caption} ${ranges.cidrs.join(', ')}`;
  const max = Math.max(1, Math.floor(width / (fontSize * 0.6)));
  if (all.length <= max || ranges.cidrs.length <= 1) return fitText(all, width, fontSize);
  return fitText(
    `${ranges.caption} ${ranges.cidrs[0]} +${ranges.cidrs.length - 1}`,
    width,
    fontSize,
  );
}

/** The outer headers' names as the marker's label: `VXLAN 8472`, `WireGuard 51871 + VXLAN 8472`. */
export function outerLabel(headers: readonly PacketHeader[]): string {
  return headers
    .slice(0, -1)
    .map((h) => (h.dport !== undefined ? `${h.proto} ${h.dport}` : h.proto))
    .join(' + ');
}

const describeHeader = (h: PacketHeader): string =>
  `${h.proto} ${h.src}${h.sport !== undefined ? `:${h.sport}` : ''} → ${h.dst}${h.dport !== undefined ? `:${h.dport}` : ''}`;

const defaultPlace: PlaceHop = (scene, hop) => ({
  id: scene.nodes.find((n) => n.name === hop.node)?.id ?? scene.outside.id,
  via: [],
});

export function createTopology({
  svg,
  onSelectPod,
  placeHop = defaultPlace,
}: TopologyOptions): Topology {
  const root = select(svg).append('g').attr('class', 'topology');
  const surface = root
    .append('rect')
    .attr('class', 'zoom-surface')
    .attr('fill', 'none')
    .attr('pointer-events', 'all');
  const viewport = root.append('g').attr('class', 'viewport');
  const network = viewport.append('g').attr('class', 'network');
  const hosts = viewport.append('g').attr('class', 'nodes');
  const packetLayer = viewport.append('g').attr('class', 'packet-layer');
  const marker = packetLayer.append('g').attr('class', 'packet').attr('display', 'none');
  const rings = marker.append('g').attr('class', 'packet-rings');
  marker.append('circle').attr('class', 'packet-core').attr('r', 6);
  const markerLabel = marker.append('text').attr('class', 'packet-label').attr('y', -18);
  const markerTitle = marker.append('title');
  const dropMarker = packetLayer.append('g').attr('class', 'drop-marker').attr('display', 'none');
  dropMarker.append('circle').attr('r', 13);
  dropMarker.append('path').attr('d', 'M-6,-6L6,6M6,-6L-6,6');
  dropMarker.append('text').attr('class', 'drop-text').attr('y', 28).text('✕ dropped');
  const dropTitle = dropMarker.append('title');
  const doneMarker = packetLayer
    .append('g')
    .attr('class', 'delivered-marker')
    .attr('display', 'none');
  doneMarker.append('text').attr('y', 24).text('✓ delivered');

  let scene: Scene | null = null;
  let layout: SceneLayout | null = null;
  let size: Size = { width: 0, height: 0 };
  const elements = new Map<string, SVGElement>();
  let current: string | null = null;
  let position: Point | null = null;
  let shown: { hops: readonly Hop[]; index: number; opts: PacketOptions } | null = null;
  let frame: number | null = null;

  const zoom: ZoomBehavior<SVGGElement, unknown> = d3zoom<SVGGElement, unknown>()
    .scaleExtent([0.2, 8])
    .filter((event: Event) => {
      // d3's default filter, minus double-click (it would fight clicks on pods).
      const e = event as MouseEvent;
      return (!e.ctrlKey || e.type === 'wheel') && !e.button && e.type !== 'dblclick';
    })
    .on('zoom', (event: { transform: { toString(): string } }) => {
      viewport.attr('transform', event.transform.toString());
    });
  root.call(zoom);

  function fit() {
    if (!layout || size.width <= 0 || size.height <= 0) return zoomIdentity;
    const k = Math.max(0.2, Math.min(2, size.width / layout.width, size.height / layout.height));
    return zoomIdentity
      .translate((size.width - layout.width * k) / 2, (size.height - layout.height * k) / 2)
      .scale(k);
  }

  function register(id: string, el: SVGElement | null) {
    if (!el) return;
    el.setAttribute('data-id', id);
    elements.set(id, el);
  }

  function draw() {
    network.selectAll('*').remove();
    hosts.selectAll('*').remove();
    elements.clear();
    current = null;
    if (!scene || !layout) return;
    const s = scene;
    const l = layout;
    root.attr('data-cni', s.cni);

    // The tunnel: a wide translucent pipe along the underlay it rides on.
    if (s.tunnel && l.tunnel) {
      const g = network.append('g').attr('class', 'tunnel');
      register(s.tunnel.id, g.node());
      for (const [a, b] of l.tunnel.lines)
        g.append('line')
          .attr('class', 'tunnel-pipe')
          .attr('x1', a.x)
          .attr('y1', a.y)
          .attr('x2', b.x)
          .attr('y2', b.y);
      const at = l.tunnelLabel ?? {
        x: l.tunnel.anchor.x,
        y: l.tunnel.anchor.y + 22,
        anchor: 'middle',
      };
      g.append('text')
        .attr('class', 'tunnel-label')
        .attr('x', at.x)
        .attr('y', at.y)
        .attr('text-anchor', at.anchor)
        .text(`⊂ ${s.tunnel.label} ⊃`);
      g.append('title').text(`${s.tunnel.label}: device ${s.tunnel.device} on every node`);
    }

    // The scene's note (Calico VXLAN: no BIRD, Felix programs the routes), with its reason.
    if (s.note && l.note) {
      const g = network.append('g').attr('class', 'scene-note');
      register(s.note.id, g.node());
      g.append('text')
        .attr('class', 'scene-note-label')
        .attr('x', l.note.box.x)
        .attr('y', l.note.box.y + l.note.box.height - 4)
        .text(s.note.label);
      g.append('title').text(s.note.title);
    }

    // Physical links between routers, switches and the outside.
    for (const link of l.links) {
      const p = network.append('path').attr('class', 'link').attr('d', link.d);
      register(link.id, p.node());
    }

    // L2 segments, and each node's cable down to its segment.
    for (const seg of l.segments) {
      const data = s.segments.find((x) => x.id === seg.id);
      const g = network.append('g').attr('class', 'segment');
      register(seg.id, g.node());
      for (const [a, b] of seg.lines)
        g.append('line').attr('x1', a.x).attr('y1', a.y).attr('x2', b.x).attr('y2', b.y);
      const first = seg.lines[0];
      if (first && data)
        g.append('text')
          .attr('class', 'segment-label')
          .attr('x', first[0].x + 4)
          .attr('y', first[0].y + 13)
          .text(`L2 ${data.subnet}`);
      if (data) g.append('title').text(`L2 segment ${data.subnet}: ${data.nodes.join(', ')}`);
    }
    for (const n of l.nodes)
      network
        .append('line')
        .attr('class', 'cable')
        .attr('x1', n.exit.x)
        .attr('y1', n.exit.y)
        .attr('x2', n.drop.x)
        .attr('y2', n.drop.y);

    // BGP sessions: dashed, with who/AS/BIRD names as a tooltip.
    if (l.sessions.length > 0) {
      const g = network.append('g').attr('class', 'bgp-sessions');
      if (s.bgpSummary) g.append('title').text(s.bgpSummary);
      for (const edge of l.sessions) {
        const data = s.sessions.find((x) => x.id === edge.id);
        const p = g
          .append('path')
          .attr('class', `bgp-session bgp-${data?.kind ?? 'mesh'}`)
          .attr('d', edge.d);
        if (data) p.append('title').text(data.title);
        register(edge.id, p.node());
      }
    }

    // Routers / ToR switches, spines, the outside.
    for (const gw of l.gateways) {
      const data = s.gateways.find((x) => x.id === gw.id);
      const g = network.append('g').attr('class', `gateway gateway-${data?.kind ?? 'router'}`);
      register(gw.id, g.node());
      g.append('rect')
        .attr('x', gw.box.x)
        .attr('y', gw.box.y)
        .attr('width', gw.box.width)
        .attr('height', gw.box.height)
        .attr('rx', data?.kind === 'tor' ? 4 : 14);
      const title = data?.kind === 'tor' ? `⇄ ${data.name}` : '⊕ router';
      g.append('text')
        .attr('class', 'box-title')
        .attr('x', gw.box.x + gw.box.width / 2)
        .attr('y', gw.box.y + 14)
        .attr('text-anchor', 'middle')
        .text(title);
      g.append('text')
        .attr('class', 'box-detail')
        .attr('x', gw.box.x + gw.box.width / 2)
        .attr('y', gw.box.y + 27)
        .attr('text-anchor', 'middle')
        .text(`${data?.ip ?? ''}${data?.as !== undefined ? ` · AS ${data.as}` : ''}`);
      if (data)
        g.append('title').text(
          data.kind === 'tor'
            ? `Top-of-rack switch ${data.name} (${data.ip}), AS ${data.as ?? ''}`
            : `The subnet's router ${data.ip}: routes node addresses, not pod ranges`,
        );
    }
    for (const sp of l.spines) {
      const data = s.spines.find((x) => x.id === sp.id);
      const g = network.append('g').attr('class', 'spine');
      register(sp.id, g.node());
      g.append('rect')
        .attr('x', sp.box.x)
        .attr('y', sp.box.y)
        .attr('width', sp.box.width)
        .attr('height', sp.box.height)
        .attr('rx', 4);
      g.append('text')
        .attr('class', 'box-title')
        .attr('x', sp.box.x + sp.box.width / 2)
        .attr('y', sp.box.y + 13)
        .attr('text-anchor', 'middle')
        .text(`⇅ ${data?.name ?? ''}`);
      g.append('text')
        .attr('class', 'box-detail')
        .attr('x', sp.box.x + sp.box.width / 2)
        .attr('y', sp.box.y + 25)
        .attr('text-anchor', 'middle')
        .text(data ? `AS ${data.as}` : '');
    }
    {
      const o = l.outside;
      const g = network.append('g').attr('class', 'outside');
      register(o.id, g.node());
      g.append('rect')
        .attr('x', o.box.x)
        .attr('y', o.box.y)
        .attr('width', o.box.width)
        .attr('height', o.box.height)
        .attr('rx', o.box.height / 2);
      g.append('text')
        .attr('class', 'box-title')
        .attr('x', o.box.x + o.box.width / 2)
        .attr('y', o.box.y + o.box.height / 2 + 4)
        .attr('text-anchor', 'middle')
        .text(`☁ ${s.outside.label}`);
    }

    // Nodes: header, pods with their veths, the host stack's layers.
    const byId = new Map(s.nodes.map((n) => [n.id, n]));
    const groups = hosts
      .selectAll<SVGGElement, (typeof l.nodes)[number]>('g.node')
      .data(l.nodes, (d) => d.id)
      .join('g')
      .attr('class', 'node');
    groups.each(function (laid) {
      const node = byId.get(laid.id);
      if (!node) return;
      const g = select(this);
      register(laid.id, this);
      const b = laid.box;
      g.append('rect')
        .attr('class', 'node-frame')
        .attr('x', b.x)
        .attr('y', b.y)
        .attr('width', b.width)
        .attr('height', b.height)
        .attr('rx', 8);
      g.append('text')
        .attr('class', 'node-name')
        .attr('x', b.x + 10)
        .attr('y', b.y + 16)
        .text(node.name);
      g.append('text')
        .attr('class', 'node-address')
        .attr('x', b.x + 10)
        .attr('y', b.y + 30)
        .text(node.internalIP);
      // The ranges with their explanation as a sibling title, so the text is only the ranges.
      const ranges = g.append('g').attr('class', 'node-pod-ranges');
      ranges
        .append('text')
        .attr('class', 'node-cidr')
        .attr('x', b.x + 10)
        .attr('y', b.y + 43)
        .text(podRangesText(node.podRanges, b.width - 20, 10));
      ranges.append('title').text(node.podRanges.title);
      if (node.as !== undefined)
        g.append('text')
          .attr('class', 'node-as')
          .attr('x', b.x + b.width - (laid.badge ? 40 : 10))
          .attr('y', b.y + 16)
          .attr('text-anchor', 'end')
          .text(`AS ${node.as}`);
      if (laid.badge) {
        const badge = g.append('g').attr('class', 'rr-badge');
        register(laid.badge.id, badge.node());
        badge
          .append('rect')
          .attr('x', laid.badge.box.x)
          .attr('y', laid.badge.box.y)
          .attr('width', laid.badge.box.width)
          .attr('height', laid.badge.box.height)
          .attr('rx', 4);
        badge
          .append('text')
          .attr('x', laid.badge.box.x + laid.badge.box.width / 2)
          .attr('y', laid.badge.box.y + 13)
          .attr('text-anchor', 'middle')
          .text('RR');
        badge.append('title').text(`${node.name} is a BGP route reflector`);
      }
      for (const lp of laid.pods) {
        const pod = node.pods.find((p) => p.id === lp.id);
        if (!pod) continue;
        const pg = g.append('g').attr('class', 'pod');
        register(pod.id, pg.node());
        const pb = lp.box;
        pg.append('rect')
          .attr('x', pb.x)
          .attr('y', pb.y)
          .attr('width', pb.width)
          .attr('height', pb.height)
          .attr('rx', 5);
        pg.append('text')
          .attr('class', 'pod-name')
          .attr('x', pb.x + 5)
          .attr('y', pb.y + 13)
          .text(fitText(pod.name, pb.width - 10, 11));
        pg.append('text')
          .attr('class', 'pod-ip')
          .attr('x', pb.x + 5)
          .attr('y', pb.y + 25)
          .text(pod.ip);
        const veth = pg
          .append('text')
          .attr('class', 'veth')
          .attr('x', pb.x + 5)
          .attr('y', pb.y + 38)
          .text(fitText(pod.veth, pb.width - 10, 9.5));
        register(pod.vethId, veth.node());
        pg.append('title').text(`${pod.key}, ${pod.ip}; host side of its veth: ${pod.veth}`);
        if (onSelectPod) pg.classed('selectable', true).on('click', () => onSelectPod(pod.key));
      }
      for (const ll of laid.layers) {
        const layer = node.layers.find((x) => x.id === ll.id);
        if (!layer) continue;
        const lg = g.append('g').attr('class', `layer layer-${layer.kind}`);
        register(layer.id, lg.node());
        const lb = ll.box;
        lg.append('rect')
          .attr('x', lb.x)
          .attr('y', lb.y)
          .attr('width', lb.width)
          .attr('height', lb.height)
          .attr('rx', 3);
        const labelText = fitText(layer.label, lb.width * 0.5, 10.5);
        lg.append('text')
          .attr('class', 'layer-label')
          .attr('x', lb.x + 6)
          .attr('y', lb.y + 14)
          .text(labelText);
        const room = lb.width - 14 - labelText.length * 10.5 * 0.6;
        if (room > 30)
          lg.append('text')
            .attr('class', 'layer-detail')
            .attr('x', lb.x + lb.width - 6)
            .attr('y', lb.y + 14)
            .attr('text-anchor', 'end')
            .text(fitText(layer.detail, room, 9));
        lg.append('title').text(`${layer.label}: ${layer.detail}`);
      }
    });
  }

  function highlight(id: string | null) {
    if (current) elements.get(current)?.classList.remove('is-current');
    current = id;
    if (id) elements.get(id)?.classList.add('is-current');
  }

  function place(p: Point) {
    position = p;
    marker.attr('transform', `translate(${p.x},${p.y})`);
  }

  function stop() {
    if (frame !== null && typeof cancelAnimationFrame === 'function') cancelAnimationFrame(frame);
    frame = null;
  }

  function hidePacket() {
    stop();
    marker.attr('display', 'none');
    dropMarker.attr('display', 'none');
    doneMarker.attr('display', 'none');
    highlight(null);
    position = null;
  }

  function dress(hop: Hop) {
    const outer = hop.headers.length - 1;
    marker.classed('is-encapsulated', outer > 0);
    rings
      .selectAll('circle')
      .data(Array.from({ length: Math.max(0, Math.min(3, outer)) }, (_, i) => i))
      .join('circle')
      .attr('class', 'packet-ring')
      .attr('r', (i) => 10 + i * 4);
    markerLabel.text(outer > 0 ? outerLabel(hop.headers) : '');
    markerTitle.text(hop.headers.map(describeHeader).join(' / '));
  }

  function arrive(hop: Hop, at: Point, opts: PacketOptions) {
    frame = null;
    place(at);
    if (hop.stage === 'dropped') {
      dropMarker.attr('display', null).attr('transform', `translate(${at.x},${at.y})`);
      dropTitle.text(`Dropped at ${hop.where}: ${opts.dropReason ?? hop.match ?? ''}`);
    } else if (hop.stage === 'delivered') {
      doneMarker.attr('display', null).attr('transform', `translate(${at.x},${at.y})`);
    }
  }

  function show(hops: readonly Hop[], index: number, opts: PacketOptions) {
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
    dress(hop);
    marker.attr('display', null);
    dropMarker.attr('display', 'none');
    doneMarker.attr('display', 'none');

    const canAnimate =
      !opts.reducedMotion &&
      opts.durationMs > 0 &&
      pathLength(points) > 0.5 &&
      typeof requestAnimationFrame === 'function';
    if (!canAnimate) return arrive(hop, target, opts);
    let start: number | null = null;
    const tick = (now: number) => {
      start ??= now;
      const t = Math.min(1, (now - start) / opts.durationMs);
      place(pointAlong(points, easeCubicInOut(t)));
      if (t < 1) frame = requestAnimationFrame(tick);
      else arrive(hop, target, opts);
    };
    frame = requestAnimationFrame(tick);
  }

  return {
    update(input, nextSize) {
      const nextScene = input;
      const sizeChanged = nextSize.width !== size.width || nextSize.height !== size.height;
      const sceneChanged = nextScene !== scene;
      size = nextSize;
      surface.attr('width', Math.max(0, size.width)).attr('height', Math.max(0, size.height));
      zoom.extent([
        [0, 0],
        [Math.max(1, size.width), Math.max(1, size.height)],
      ]);
      if (!sceneChanged && !sizeChanged) return;
      scene = nextScene;
      layout = scene && size.width > 0 && size.height > 0 ? layoutScene(scene, size) : null;
      stop();
      draw();
      root.call(zoom.transform, fit());
      // Put the packet back where it was, without animating.
      const again = shown;
      position = null;
      shown = null;
      if (again)
        show(again.hops, again.index, { ...again.opts, reducedMotion: true, durationMs: 0 });
      else hidePacket();
    },
    showPacket(hops, index, opts) {
      show(hops, index, opts);
    },
    zoomBy(k) {
      root.call(zoom.scaleBy, k);
    },
    resetZoom() {
      root.call(zoom.transform, fit());
    },
    destroy() {
      stop();
      root.on('.zoom', null);
      root.remove();
      elements.clear();
    },
  };
}
