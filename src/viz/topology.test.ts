// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Hop, PacketHeader } from '../datapath/hop';
import type { Scene } from '../scene/scene';
import { layoutPath, pathFocus } from './pathLayout';
import { createPanZoom } from './panZoom';
import { createTopology, fitText, outerLabel, podRangesText, type PlaceHop } from './topology';
import { sceneIds } from '../test/sceneIds';
import { syntheticScene } from './testScene';

function svg(): SVGSVGElement {
  const el = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  document.body.append(el);
  return el;
}

afterEach(() => {
  document.body.innerHTML = '';
  vi.unstubAllGlobals();
});

const SIZE = { width: 800, height: 400 };

/** Where things stand in the layout the renderer uses while `hops` are shown (focused on them). */
const focusedAnchors = (scene: Scene, hops: readonly Hop[]) =>
  layoutPath(
    scene,
    pathFocus(
      scene,
      hops.map((h) => h.where),
    ),
    SIZE,
  ).anchors;
const tcp: PacketHeader = {
  proto: 'TCP',
  src: '10.244.0.2',
  dst: '10.244.1.2',
  sport: 40000,
  dport: 80,
};
const ipip: PacketHeader = {
  proto: 'IPIP',
  src: '192.168.1.10',
  dst: '192.168.1.11',
  ipProtocol: 4,
  bytes: 20,
};
const hop = (over: Partial<Hop> & Pick<Hop, 'where'>): Hop => ({
  stage: 'routing',
  node: 'node-1',
  place: { id: over.where, via: [], node: 'node-1', hook: 'host' },
  headers: [tcp],
  cost: { rules: 0, lookups: 0 },
  explanation: '',
  ...over,
});
// A stand-in for datapath's placeHop: the hop's `where` names the element id.
const placeHop: PlaceHop = (_scene, h) => ({ id: h.where, via: [] });
const HOPS: Hop[] = [
  hop({ stage: 'in-pod', where: 'pod:ns/pod-1-1' }),
  hop({ where: 'layer:node-1:routing' }),
  hop({ stage: 'encapsulation', where: 'layer:node-1:tunnel', headers: [ipip, tcp] }),
  hop({ stage: 'wire', where: 'segment:192.168.1.0/24', headers: [ipip, tcp] }),
  hop({
    stage: 'dropped',
    node: 'node-2',
    where: 'layer:node-2:iptables',
    match: 'cali-tw-x rule 7',
  }),
];

function setup(
  scene: Scene = syntheticScene({ nodes: 2, podsPerNode: 2, subnets: 1, tunnel: true }),
) {
  const el = svg();
  const onSelectPod = vi.fn();
  const topo = createTopology({ svg: el, placeHop, onSelectPod, panZoom: createPanZoom });
  topo.update(scene, SIZE);
  const byId = (id: string) =>
    [...el.querySelectorAll('[data-id]')].find((e) => e.getAttribute('data-id') === id) ?? null;
  const markerAt = () => el.querySelector('g.packet')!.getAttribute('transform');
  // The layout the renderer uses once HOPS are shown: focused on their places.
  const anchors = focusedAnchors(scene, HOPS);
  const at = (id: string) => `translate(${anchors[id]!.x},${anchors[id]!.y})`;
  return { el, topo, byId, markerAt, at, onSelectPod, scene };
}

describe('createTopology', () => {
  it('draws one group per node, keyed by name, and removes only its own <g>', () => {
    const el = svg();
    const keep = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
    el.append(keep);
    const topo = createTopology({ svg: el, placeHop, panZoom: createPanZoom });
    topo.update(syntheticScene({ nodes: 3, podsPerNode: 2, subnets: 1 }), SIZE);
    // No walk yet: every node is a chip.
    expect(el.querySelectorAll('g.chip-node')).toHaveLength(3);
    expect(el.querySelectorAll('g.node')).toHaveLength(0);
    topo.showPacket(HOPS, 0, { reducedMotion: true, durationMs: 0 });
    // The walk touches node-1 and node-2: drawn in full; node-3 stays a chip.
    expect([...el.querySelectorAll('g.node')].map((g) => g.getAttribute('data-id'))).toEqual([
      'node:node-1',
      'node:node-2',
    ]);
    expect(el.querySelectorAll('g.chip-node')).toHaveLength(1);
    // Chips (the path nodes' "+1 pod" too) paint after the node frames that entered after them.
    const order = [...el.querySelectorAll('.nodes > g')].map((g) => g.getAttribute('class'));
    expect(order.filter((c) => c?.startsWith('chip'))).toHaveLength(3);
    expect(order.findIndex((c) => c?.startsWith('chip'))).toBeGreaterThan(
      order.lastIndexOf('node'),
    );
    topo.update(syntheticScene({ nodes: 2, podsPerNode: 2, subnets: 1 }), SIZE);
    expect(el.querySelectorAll('g.node')).toHaveLength(2);
    topo.update(null, SIZE);
    expect(el.querySelectorAll('g.node')).toHaveLength(0);
    topo.destroy();
    expect(el.querySelector('g.topology')).toBeNull();
    expect(el.contains(keep)).toBe(true);
  });

  it('draws every element of a scene under its id: pods with veths, layers, the network', () => {
    const scene = syntheticScene({
      nodes: 4,
      podsPerNode: 3,
      subnets: 2,
      fabric: true,
      tunnel: true,
    });
    const el = svg();
    const topo = createTopology({
      svg: el,
      placeHop,
      view: { whole: true },
      panZoom: createPanZoom,
    });
    topo.update(scene, SIZE);
    const byId = (id: string) =>
      [...el.querySelectorAll('[data-id]')].find((e) => e.getAttribute('data-id') === id) ?? null;
    // The whole cluster: every node, pod, veth, layer and network box.
    for (const id of sceneIds(scene).filter((x) => !/^(segment|link|bgp):/.test(x)))
      expect(byId(id), id).not.toBeNull();
    expect(byId('veth:ns/pod-1-1')?.textContent).toBe('cali00000000000');
    expect(byId('layer:node-1:tunnel')?.textContent).toContain('tunnel');
    expect(byId('tor:tor-rack-1')?.textContent).toContain('tor-rack-1');
    expect(byId('bgp:node:node-1~tor:tor-rack-1')?.querySelector('title')?.textContent).toBe(
      'node:node-1 ↔ tor:tor-rack-1',
    );
  });

  it('reports a click on a pod, and Enter or Space on a focused one', () => {
    const { topo, byId, onSelectPod } = setup();
    topo.showPacket(HOPS, 0, { reducedMotion: true, durationMs: 0 });
    const pod = byId('pod:ns/pod-1-1')!;
    expect(pod.getAttribute('tabindex')).toBe('0');
    expect(pod.getAttribute('role')).toBe('button');
    expect(pod.getAttribute('aria-label')).toBe('ns/pod-1-1, 10.244.0.2');
    pod.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(onSelectPod).toHaveBeenCalledWith('ns/pod-1-1');
    pod.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    pod.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true }));
    expect(onSelectPod).toHaveBeenCalledTimes(3);
  });

  it('collapses pods and nodes off the path into chips that expand on demand', () => {
    const scene = syntheticScene({ nodes: 3, podsPerNode: 4, subnets: 1 });
    const { el, topo, byId } = setup(scene);
    topo.showPacket(HOPS, 0, { reducedMotion: true, durationMs: 0 });
    // node-1 shows only its pod on the path, the other three as a chip.
    expect(byId('pod:ns/pod-1-2')).toBeNull();
    const pods = byId('chip:pods:node:node-1')!;
    expect(pods.querySelector('text')!.textContent).toBe('+3 pods');
    const chip = byId('chip:node:node-3')!;
    expect(chip.querySelector('text')!.textContent).toBe('▸ node-3 · 4 pods');
    expect(chip.getAttribute('aria-expanded')).toBe('false');
    chip.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(byId('node:node-3')).not.toBeNull();
    expect(byId('pod:ns/pod-3-4')).not.toBeNull();
    expect(byId('chip:node:node-3')!.getAttribute('aria-expanded')).toBe('true');
    byId('chip:pods:node:node-1')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(byId('pod:ns/pod-1-2')).not.toBeNull();
    // The packet stays where it was.
    expect(el.querySelector('g.packet')!.getAttribute('display')).toBeNull();
  });

  it('draws the trail so far, the leg in use and the hop ahead', () => {
    const { el, topo } = setup();
    const opts = { reducedMotion: true, durationMs: 0 };
    topo.showPacket(HOPS, 0, opts);
    expect(el.querySelector('.path-trail')).toBeNull();
    expect(el.querySelector('.path-current')).toBeNull();
    expect(el.querySelector('.path-next')).not.toBeNull();
    topo.showPacket(HOPS, 3, opts);
    expect(el.querySelector('.path-trail')?.getAttribute('d')).toMatch(/^M/);
    expect(el.querySelector('.path-current')?.getAttribute('d')).toMatch(/^M/);
    topo.showPacket(HOPS, 4, opts);
    expect(el.querySelector('.path-next')).toBeNull();
  });

  it('jumps the packet hop by hop with reduced motion, highlighting where it is', () => {
    const { el, topo, byId, markerAt, at } = setup();
    const opts = { reducedMotion: true, durationMs: 500 };
    topo.showPacket(HOPS, 0, opts);
    expect(markerAt()).toBe(at('pod:ns/pod-1-1'));
    expect(byId('pod:ns/pod-1-1')!.classList.contains('is-current')).toBe(true);
    expect(el.querySelector('g.packet')!.classList.contains('is-encapsulated')).toBe(false);

    topo.showPacket(HOPS, 2, opts);
    expect(markerAt()).toBe(at('layer:node-1:tunnel'));
    expect(byId('pod:ns/pod-1-1')!.classList.contains('is-current')).toBe(false);
    expect(el.querySelectorAll('.is-current')).toHaveLength(1);
    // Encapsulated: a ring per outer header and the outer header named.
    expect(el.querySelector('g.packet')!.classList.contains('is-encapsulated')).toBe(true);
    expect(el.querySelectorAll('circle.packet-ring')).toHaveLength(1);
    expect(el.querySelector('text.packet-label')?.textContent).toBe('packet in IPIP');

    topo.showPacket(HOPS, 4, { ...opts, dropReason: 'cali-tw-x: end of tier default' });
    const drop = el.querySelector('g.drop-marker')!;
    expect(drop.getAttribute('display')).toBeNull();
    expect(drop.getAttribute('transform')).toBe(at('layer:node-2:iptables'));
    expect(drop.querySelector('title')?.textContent).toBe(
      'dropped at layer:node-2:iptables: cali-tw-x: end of tier default',
    );
    expect(el.querySelector('text.drop-text')?.getAttribute('display')).toBeNull();

    topo.showPacket(HOPS, 3, opts);
    expect(drop.getAttribute('display')).toBe('none');
  });

  it('moves the packet along the way with requestAnimationFrame, and retraces it backwards', () => {
    let now = 0;
    const queue: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => queue.push(cb));
    vi.stubGlobal('cancelAnimationFrame', () => {});
    const flush = (ms: number) => {
      now += ms;
      const cbs = queue.splice(0);
      cbs.forEach((cb) => cb(now));
    };
    const { topo, markerAt, at } = setup();
    const opts = { reducedMotion: false, durationMs: 400 };
    topo.showPacket(HOPS, 2, opts); // first show: no previous place, so it appears there
    expect(markerAt()).toBe(at('layer:node-1:tunnel'));
    topo.showPacket(HOPS, 3, opts);
    flush(0);
    flush(200);
    const midway = markerAt();
    expect(midway).not.toBe(at('layer:node-1:tunnel'));
    expect(midway).not.toBe(at('segment:192.168.1.0/24'));
    flush(300);
    expect(markerAt()).toBe(at('segment:192.168.1.0/24'));
    expect(queue).toHaveLength(0);
    topo.showPacket(HOPS, 2, opts);
    flush(0);
    flush(1000);
    expect(markerAt()).toBe(at('layer:node-1:tunnel'));
  });

  it('keeps the packet in place across a redraw, zooms, and cleans up', () => {
    const { el, topo, markerAt, at, scene } = setup();
    topo.showPacket(HOPS, 1, { reducedMotion: true, durationMs: 0 });
    topo.update(scene, { width: 900, height: 500 });
    const layout = layoutPath(
      scene,
      pathFocus(
        scene,
        HOPS.map((h) => h.where),
      ),
      { width: 900, height: 500 },
    );
    const p = layout.anchors['layer:node-1:routing']!;
    expect(markerAt()).toBe(`translate(${p.x},${p.y})`);
    expect(at('layer:node-1:routing')).toBeTruthy();
    const viewport = el.querySelector('g.viewport')!;
    const before = viewport.getAttribute('transform');
    topo.zoomBy(2);
    expect(viewport.getAttribute('transform')).not.toBe(before);
    topo.resetZoom();
    expect(viewport.getAttribute('transform')).toBe(before);
    topo.update(null, SIZE);
    expect(el.querySelectorAll('g.node')).toHaveLength(0);
    expect(el.querySelector('g.packet')!.getAttribute('display')).toBe('none');
    topo.destroy();
    expect(el.querySelector('g.topology')).toBeNull();
  });
  it('lays a new scene out once around the walk about to be shown in it (issue 15)', () => {
    const el = svg();
    let fits = 0;
    const topo = createTopology({
      svg: el,
      placeHop,
      panZoom: (options) => {
        const real = createPanZoom(options);
        return { ...real, fit: (...args) => (fits++, real.fit(...args)) };
      },
    });
    const opts = { reducedMotion: true, durationMs: 0 };
    const shape = { nodes: 2, podsPerNode: 2, subnets: 1, tunnel: true };
    topo.update(syntheticScene(shape), SIZE);
    topo.showPacket(HOPS, 4, opts);
    // A new scene and a new walk on node-1 only (another focus), in one go.
    const next = HOPS.slice(0, 2);
    const scene = syntheticScene(shape);
    fits = 0;
    topo.update(scene, SIZE, next);
    topo.showPacket(next, 1, opts);
    expect(fits).toBe(1);
    const p = focusedAnchors(scene, next)['layer:node-1:routing']!;
    expect(el.querySelector('g.packet')!.getAttribute('transform')).toBe(
      `translate(${p.x},${p.y})`,
    );
    // Without the walk, the scene is laid out around the previous one, then again.
    fits = 0;
    topo.update(syntheticScene(shape), SIZE);
    topo.showPacket(HOPS, 0, opts);
    expect(fits).toBe(2);
    topo.destroy();
  });
});

describe('pod ranges in the node box', () => {
  it('draws each node’s ranges as its CNI names them, with the explanation as a tooltip', () => {
    for (const cni of ['calico', 'cilium'] as const) {
      const { el, topo } = setup(syntheticScene({ nodes: 2, podsPerNode: 1, subnets: 1, cni }));
      topo.showPacket(HOPS, 0, { reducedMotion: true, durationMs: 0 });
      const texts = [...el.querySelectorAll('text.node-cidr')].map((t) => [
        t.textContent,
        t.parentElement!.querySelector('title')!.textContent,
      ]);
      expect(texts).toEqual(
        cni === 'calico'
          ? [
              ['IPAM blocks 10.244.0.0/26', 'blocks of node-1'],
              ['IPAM blocks 10.244.1.0/26', 'blocks of node-2'],
            ]
          : [
              ['podCIDR 10.244.0.0/24', 'pod CIDR of node-1'],
              ['podCIDR 10.244.1.0/24', 'pod CIDR of node-2'],
            ],
      );
      document.body.innerHTML = '';
    }
  });

  it('lists every range that fits, else the first and how many more', () => {
    const two = { caption: 'IPAM blocks', cidrs: ['10.244.1.0/26', '10.244.1.64/26'] };
    expect(podRangesText(two, 400, 10)).toBe('IPAM blocks 10.244.1.0/26, 10.244.1.64/26');
    expect(podRangesText(two, 180, 10)).toBe('IPAM blocks 10.244.1.0/26 +1');
    expect(podRangesText({ caption: 'podCIDR', cidrs: ['10.244.1.0/24'] }, 180, 10)).toBe(
      'podCIDR 10.244.1.0/24',
    );
    // Too narrow even for one range: shortened like any label, never wider than the box.
    expect(podRangesText(two, 60, 10).length).toBeLessThanOrEqual(10);
  });
});

describe('scene note', () => {
  it('draws the note with its reason as a tooltip, and nothing without one', () => {
    const { el, byId } = setup(
      syntheticScene({ nodes: 2, podsPerNode: 1, subnets: 1, note: 'BIRD off' }),
    );
    const note = byId('note')!;
    expect(note.querySelector('text')!.textContent).toBe('BIRD off');
    expect(note.querySelector('title')!.textContent).toBe('why: BIRD off');
    expect(el.querySelectorAll('g.bgp-sessions')).toHaveLength(0);
    document.body.innerHTML = '';
    const plain = setup(syntheticScene({ nodes: 2, podsPerNode: 1, subnets: 1 }));
    expect(plain.el.querySelector('g.scene-note')).toBeNull();
  });
});

describe('labels', () => {
  it('shortens what does not fit and names the outer headers', () => {
    expect(fitText('frontend', 100, 10)).toBe('frontend');
    // Cut at a word boundary, never mid-word.
    expect(fitText('a-very-long-pod-name-indeed', 60, 10)).toBe('a-very…');
    expect(outerLabel([tcp])).toBe('');
    expect(
      outerLabel([
        { proto: 'WireGuard', src: 'a', dst: 'b', sport: 51871, dport: 51871 },
        { proto: 'VXLAN', src: 'a', dst: 'b', sport: 1, dport: 8472 },
        tcp,
      ]),
    ).toBe('WireGuard 51871 + VXLAN 8472');
  });
});
