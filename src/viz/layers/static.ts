/**
 * The static layers: the network (segments, links, sessions, routers and switches, the outside,
 * the tunnel, the note), the nodes (frames, pods, host-stack layers) and the chips for what is
 * collapsed. Each is a keyed d3 join on element ids: a redraw keeps the groups of elements that
 * stay and only refills them.
 */
import { select } from 'd3';
import type { Scene } from '../../scene/scene';
import type { Box } from '../layout';
import type { FocusLayout, LaidChip, LaidLabel } from '../pathLayout';
import { drawLabels, labelsByOwner } from './labels';
import type { LayerGroup, Register } from './types';

type G = LayerGroup;

export interface StaticCallbacks {
  readonly onSelectPod?: (podKey: string) => void;
  readonly onToggleChip?: (chip: LaidChip) => void;
}

const rect = (g: G, b: Box, rx: number, cls?: string) => {
  const r = g
    .append('rect')
    .attr('x', b.x)
    .attr('y', b.y)
    .attr('width', b.width)
    .attr('height', b.height)
    .attr('rx', rx);
  if (cls) r.attr('class', cls);
  return r;
};

/** A keyed join of `<g>` per item: entering groups are created, leaving ones removed. */
function joinGroups<T>(
  parent: G,
  cls: string,
  data: readonly T[],
  key: (d: T) => string,
  className: (d: T) => string,
  fill: (g: G, d: T) => void,
) {
  parent
    .selectAll<SVGGElement, T>(`:scope > g.${cls}`)
    .data(data, key)
    .join('g')
    .attr('class', className)
    .each(function (d) {
      const g = select(this) as unknown as G;
      g.selectAll('*').remove();
      fill(g, d);
    });
}

/** Makes a group act as a button: focusable, Enter/Space and click run `run`. */
function asButton(g: G, label: string, run: () => void) {
  g.attr('tabindex', 0)
    .attr('role', 'button')
    .attr('aria-label', label)
    .on('click', run)
    .on('keydown', (event: KeyboardEvent) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        event.stopPropagation();
        run();
      }
    });
}

export function renderNetwork(layer: G, scene: Scene, l: FocusLayout, register: Register): void {
  const labels = labelsByOwner(l.labels);
  const own = (g: G, id: string) => {
    register(id, g.node());
    drawLabels(g, labels.get(id) ?? [], register);
  };
  const tunnel = scene.tunnel && l.tunnel ? [l.tunnel] : [];
  joinGroups(
    layer,
    'tunnel',
    tunnel,
    (d) => d.id,
    () => 'tunnel',
    (g, d) => {
      for (const [a, b] of d.lines)
        g.append('line')
          .attr('class', 'tunnel-pipe')
          .attr('x1', a.x)
          .attr('y1', a.y)
          .attr('x2', b.x)
          .attr('y2', b.y);
      own(g, d.id);
    },
  );
  joinGroups(
    layer,
    'scene-note',
    l.note ? [l.note] : [],
    (d) => d.id,
    () => 'scene-note',
    (g, d) => own(g, d.id),
  );
  joinGroups(
    layer,
    'link',
    l.links,
    (d) => d.id,
    () => 'link',
    (g, d) => {
      g.append('path').attr('d', d.d);
      register(d.id, g.node());
    },
  );
  joinGroups(
    layer,
    'segment',
    l.segments,
    (d) => d.id,
    () => 'segment',
    (g, d) => {
      for (const [a, b] of d.lines)
        g.append('line').attr('x1', a.x).attr('y1', a.y).attr('x2', b.x).attr('y2', b.y);
      own(g, d.id);
    },
  );
  // A cable runs down from a node's bottom, or up from its top in the stacked picture.
  const cables = l.nodes.filter((n) => n.drop.y !== n.exit.y);
  joinGroups(
    layer,
    'cable',
    cables,
    (d) => d.id,
    () => 'cable',
    (g, d) => {
      g.append('line')
        .attr('x1', d.exit.x)
        .attr('y1', d.exit.y)
        .attr('x2', d.drop.x)
        .attr('y2', d.drop.y);
    },
  );
  const sessionData = new Map(scene.sessions.map((s) => [s.id, s]));
  joinGroups(
    layer,
    'bgp-session',
    l.sessions,
    (d) => d.id,
    (d) => `bgp-session bgp-${sessionData.get(d.id)?.kind ?? 'mesh'}`,
    (g, d) => {
      g.append('path').attr('d', d.d);
      g.append('title').text(sessionData.get(d.id)?.title ?? '');
      register(d.id, g.node());
    },
  );
  const gwData = new Map(scene.gateways.map((g) => [g.id, g]));
  joinGroups(
    layer,
    'gateway',
    l.gateways,
    (d) => d.id,
    (d) => `gateway gateway-${gwData.get(d.id)?.kind ?? 'router'}`,
    (g, d) => {
      rect(g, d.box, gwData.get(d.id)?.kind === 'tor' ? 4 : 12);
      own(g, d.id);
    },
  );
  joinGroups(
    layer,
    'spine',
    l.spines,
    (d) => d.id,
    () => 'spine',
    (g, d) => {
      rect(g, d.box, 4);
      own(g, d.id);
    },
  );
  joinGroups(
    layer,
    'outside',
    l.outside ? [l.outside] : [],
    (d) => d.id,
    () => 'outside',
    (g, d) => {
      rect(g, d.box, Math.min(18, d.box.height / 2));
      own(g, d.id);
    },
  );
}

export function renderNodes(
  layer: G,
  scene: Scene,
  l: FocusLayout,
  register: Register,
  callbacks: StaticCallbacks,
): void {
  const labels = labelsByOwner(l.labels);
  const text = (g: G, id: string) => drawLabels(g, labels.get(id) ?? [], register);
  const byId = new Map(scene.nodes.map((n) => [n.id, n]));
  joinGroups(
    layer,
    'node',
    l.nodes,
    (d) => d.id,
    () => 'node',
    (g, laid) => {
      const node = byId.get(laid.id);
      if (!node) return;
      register(laid.id, g.node());
      rect(g, laid.box, 8, 'node-frame');
      g.append('title').text(
        `${node.name} (${node.internalIP})${node.as !== undefined ? `, AS ${node.as}` : ''}: ${node.pods.length} pods`,
      );
      text(g, laid.id);
      if (laid.badge) {
        const badge = g.append('g').attr('class', 'rr-badge');
        register(laid.badge.id, badge.node());
        rect(badge, laid.badge.box, 4);
        text(badge, laid.badge.id);
        badge.append('title').text(`${node.name} is a BGP route reflector`);
      }
      const pods = new Map(node.pods.map((p) => [p.id, p]));
      for (const lp of laid.pods) {
        const pod = pods.get(lp.id);
        if (!pod) continue;
        const pg = g.append('g').attr('class', 'pod');
        register(pod.id, pg.node());
        rect(pg, lp.box, 5);
        text(pg, pod.id);
        if (callbacks.onSelectPod) {
          const select = callbacks.onSelectPod;
          pg.classed('selectable', true);
          asButton(pg, `${pod.key}, ${pod.ip}`, () => select(pod.key));
        }
      }
      const layers = new Map(node.layers.map((x) => [x.id, x]));
      for (const ll of laid.layers) {
        const data = layers.get(ll.id);
        if (!data) continue;
        const lg = g.append('g').attr('class', `layer layer-${data.kind}`);
        register(ll.id, lg.node());
        rect(lg, ll.box, 3);
        text(lg, ll.id);
      }
    },
  );
  joinGroups(
    layer,
    'chip',
    l.chips,
    (d) => d.id,
    (d) => `chip chip-${d.kind}${d.expanded ? ' is-expanded' : ''}`,
    (g, d) => {
      register(d.id, g.node());
      rect(g, d.box, d.box.height / 2);
      text(g, d.id);
      const node = byId.get(d.node);
      if (callbacks.onToggleChip) {
        const toggle = callbacks.onToggleChip;
        const what =
          d.kind === 'pods' ? `${d.count} more pods on ${node?.name ?? ''}` : (node?.name ?? '');
        asButton(g, `${d.expanded ? 'Collapse' : 'Show'} ${what}`, () => toggle(d));
        g.attr('aria-expanded', String(d.expanded));
      }
    },
  );
  // Chips paint over the node frames (a node group that entered after them would cover them).
  layer.selectAll<SVGGElement, unknown>(':scope > g.chip').raise();
}

export type { LaidLabel };
