import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { WalkConfig } from '../datapath/config';
import type { Hop } from '../datapath/hop';
import type { PacketSpec } from '../datapath/packet';
import { place } from '../datapath/place';
import { placeHop, sceneElementIds } from './place';
import { buildScene, type Scene } from './scene';
import { walk } from '../datapath/walk';
import { calicoRoutes } from '../datapath/routes';
import { cidr, cidrContains } from '../engine/cidr';
import { calico, cilium, engineFor, everyConfig, SCENARIOS } from '../test/scenarios';
import { sceneIds } from '../test/sceneIds';
import { CALICO_OPTIONS, optionValues } from '../datapath/options';

const FILES = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));

// Every configuration of the options registry (datapath/options.ts).
const CONFIGS: WalkConfig[] = everyConfig();

describe('buildScene', () => {
  it('draws each node with its address, pod CIDR and pods, with the veth names of the walks', () => {
    const engine = engineFor('two-node-basic.yaml');
    const scene = buildScene(engine.cluster, calico());
    expect(scene.nodes.map((n) => [n.name, n.internalIP, n.podCIDR])).toEqual(
      engine.cluster.nodes.map((n) => [n.name, n.internalIP, n.podCIDR.text]),
    );
    const workloads = engine.calico().workloads;
    for (const pod of scene.nodes.flatMap((n) => n.pods)) {
      expect(pod.veth).toBe(workloads[pod.key]!.iface);
      expect(pod.veth).toMatch(/^cali[0-9a-f]{11}$/);
    }
    const ciliumScene = buildScene(engine.cluster, cilium());
    for (const pod of ciliumScene.nodes.flatMap((n) => n.pods))
      expect(pod.veth).toMatch(/^lxc[0-9a-f]{12}$/);
  });

  it('names the pod ranges each CNI allocates from: Calico the /26 blocks its routes use, Cilium the pod CIDR', () => {
    for (const file of FILES) {
      const cluster = engineFor(file).cluster;
      for (const config of [calico(), calico({ encap: 'vxlan' }), calico({ encap: 'none' })]) {
        if (config.cni !== 'calico') continue;
        const scene = buildScene(cluster, config);
        for (const node of scene.nodes) {
          expect(node.podRanges.caption).toBe('IPAM blocks');
          const own = calicoRoutes(
            cluster,
            cluster.nodes.find((n) => n.name === node.name)!,
            config.calico,
          )
            .filter((r) => r.type === 'blackhole')
            .map((r) => (r.dst === 'default' ? 'default' : r.dst.text));
          // The blocks the node box names are the ones the node blackholes and the others route to.
          expect(node.podRanges.cidrs).toEqual(own);
          for (const other of cluster.nodes.filter((n) => n.name !== node.name)) {
            const toIt = calicoRoutes(cluster, other, config.calico)
              .filter((r) => r.remoteNode === node.name)
              .map((r) => (r.dst === 'default' ? 'default' : r.dst.text));
            expect(toIt).toEqual(node.podRanges.cidrs);
          }
          for (const c of node.podRanges.cidrs) expect(c).toMatch(/\/26$/);
          for (const p of node.pods)
            expect(node.podRanges.cidrs.some((c) => cidrContains(cidr(c), p.ip))).toBe(true);
          expect(node.podRanges.title).toContain('blockSize 26');
          expect(node.podRanges.title).toContain(node.podCIDR);
        }
      }
      for (const node of buildScene(cluster, cilium()).nodes) {
        expect(node.podRanges).toMatchObject({ caption: 'podCIDR', cidrs: [node.podCIDR] });
        expect(node.podRanges.title).toMatch(/CiliumNode's spec\.ipam\.podCIDRs/);
        for (const p of node.pods) expect(cidrContains(cidr(node.podCIDR), p.ip)).toBe(true);
      }
    }
    // The seed's first node: a /24 pod CIDR for Cilium, its first /26 block for Calico.
    const seed = engineFor('seed-policies.yaml').cluster;
    expect(buildScene(seed, calico()).nodes[0]!.podRanges.cidrs).toEqual(['10.244.0.0/26']);
    expect(buildScene(seed, cilium()).nodes[0]!.podRanges.cidrs).toEqual(['10.244.0.0/24']);
  });

  it('stacks the layers each CNI and mode puts between the pod and the wire', () => {
    const cluster = engineFor('two-node-basic.yaml').cluster;
    const labels = (c: WalkConfig) => buildScene(cluster, c).nodes[0]!.layers.map((l) => l.label);
    expect(labels(calico())).toEqual(['routing table', 'iptables', 'tunl0', 'eth0']);
    expect(labels(calico({ encap: 'vxlan', wireguard: true }))).toEqual([
      'routing table',
      'iptables',
      'vxlan.calico',
      'wireguard.cali',
      'eth0',
    ]);
    expect(labels(calico({ dataplane: 'ebpf', encap: 'none' }))).toEqual([
      'tc eBPF',
      'routing table',
      'eth0',
    ]);
    expect(labels(cilium())).toEqual(['lxc… tc eBPF', 'cilium_host', 'cilium_vxlan', 'eth0']);
    expect(labels(cilium({ routing: 'geneve', encryption: 'wireguard' }))).toEqual([
      'lxc… tc eBPF',
      'cilium_host',
      'cilium_geneve',
      'cilium_wg0',
      'eth0',
    ]);
    expect(labels(cilium({ routing: 'native', encryption: 'ipsec' }))).toEqual([
      'lxc… tc eBPF',
      'cilium_host',
      'xfrm (IPsec)',
      'eth0',
    ]);
    // The seed scenario has HTTP rules, so Envoy is on the road.
    const seed = engineFor('seed-policies.yaml').cluster;
    expect(buildScene(seed, cilium()).nodes[0]!.layers.map((l) => l.kind)).toContain('proxy');
  });

  it('draws the network of each peering mode', () => {
    const cluster = engineFor('multi-rack.yaml').cluster;
    const mesh = buildScene(cluster, calico({ encap: 'none' }));
    expect(mesh.segments.map((s) => [s.subnet, s.nodes.length])).toEqual([
      ['192.168.1.0/24', 3],
      ['192.168.2.0/24', 3],
    ]);
    expect(mesh.gateways.map((g) => g.kind)).toEqual(['router', 'router']);
    expect(mesh.sessions).toHaveLength(15);
    expect(mesh.tunnel).toBeNull();

    const rr = buildScene(cluster, calico({ peering: 'route-reflector' }));
    expect(rr.nodes.filter((n) => n.routeReflectorId).map((n) => n.name)).toEqual([
      'node-1',
      'node-4',
    ]);
    expect(rr.sessions.every((s) => s.kind === 'route-reflector')).toBe(true);
    expect(rr.tunnel?.device).toBe('tunl0');

    const tor = buildScene(cluster, calico({ peering: 'tor', encap: 'none' }));
    expect(tor.gateways.map((g) => [g.kind, g.name])).toEqual([
      ['tor', 'tor-rack-1'],
      ['tor', 'tor-rack-2'],
    ]);
    expect(tor.spines.map((s) => s.name)).toEqual(['spine-1', 'spine-2']);
    expect(tor.sessions.filter((s) => s.kind === 'spine')).toHaveLength(4);
    expect(tor.segments.map((s) => s.gatewayId)).toEqual(['tor:tor-rack-1', 'tor:tor-rack-2']);

    // VXLAN: Felix programs the routes, no BGP, so no fabric either.
    const vxlan = buildScene(cluster, calico({ peering: 'tor', encap: 'vxlan-crosssubnet' }));
    expect(vxlan.sessions).toEqual([]);
    expect(vxlan.spines).toEqual([]);
    expect(vxlan.nodes.every((n) => n.as === undefined && !n.routeReflectorId)).toBe(true);
    expect(vxlan.note?.label).toMatch(/^BIRD off \(calico_backend: vxlan\)/);
    expect(vxlan.note?.title).toBe(vxlan.bgpSummary);
    expect(vxlan.bgpSummary).toMatch(/runs neither BIRD nor confd/);
    // Whichever peering is chosen, VXLAN draws no session and says why; BGP modes draw no note.
    for (const peering of optionValues(CALICO_OPTIONS, 'peering')) {
      for (const encap of optionValues(CALICO_OPTIONS, 'encap')) {
        const scene = buildScene(cluster, calico({ peering, encap }));
        const vx = encap.startsWith('vxlan');
        expect(scene.sessions.length === 0, `${peering} ${encap}`).toBe(vx);
        expect(scene.note !== undefined, `${peering} ${encap}`).toBe(vx);
      }
    }
    expect(buildScene(cluster, cilium()).note).toBeUndefined();
    expect(vxlan.tunnel).toMatchObject({
      device: 'vxlan.calico',
      port: 4789,
      crossSubnetOnly: true,
    });
    expect(buildScene(cluster, cilium()).tunnel).toMatchObject({
      device: 'cilium_vxlan',
      port: 8472,
    });
  });

  it('gives every element a unique, stable id', () => {
    for (const file of FILES) {
      const cluster = engineFor(file).cluster;
      for (const config of CONFIGS) {
        const scene = buildScene(cluster, config);
        const ids = sceneIds(scene);
        expect(new Set(ids).size).toBe(ids.length);
        expect(sceneElementIds(scene)).toEqual(new Set(ids));
        expect(buildScene(cluster, config)).toEqual(scene);
        const all = sceneElementIds(scene);
        for (const x of [...scene.links, ...scene.sessions]) {
          expect(all.has(x.a)).toBe(true);
          expect(all.has(x.b)).toBe(true);
        }
      }
    }
  });
});

describe('placeHop', () => {
  // Every hop of every walk in every mode: place.test.ts.
  const anchor = (scene: Scene, hop: Hop) => placeHop(scene, hop).id;

  it('returns the walk’s place, and falls back to the node, then the outside, for what is not drawn', () => {
    const engine = engineFor('two-node-basic.yaml');
    const config = calico();
    const scene = buildScene(engine.cluster, config);
    const r = walk(engine, config, {
      from: 'default/pod-a',
      to: 'default/pod-c',
      port: 80,
      protocol: 'TCP',
    });
    const hop = r.hops[0]!;
    expect(placeHop(scene, hop)).toEqual(hop.place);
    // The eBPF layer is not drawn in the iptables dataplane: the node box instead.
    const tc = { ...hop, place: place.layer('node-1', 'tc-ebpf', 'tc') };
    expect(placeHop(scene, tc)).toMatchObject({ id: 'node:node-1', via: [] });
    // A node the scene does not have: the outside.
    const gone = { ...hop, node: 'node-9', place: place.node('node-9') };
    expect(placeHop(scene, gone)).toMatchObject({ id: 'outside', via: [] });
    // A passed element that is not drawn is left out.
    const spine = { ...hop, place: place.network('router:192.168.1.1', ['spine:spine-1']) };
    expect(placeHop(scene, spine)).toMatchObject({ id: 'router:192.168.1.1', via: [] });
  });

  it('follows a cross-node Calico IPIP walk layer by layer', () => {
    const engine = engineFor('two-node-basic.yaml');
    const config = calico();
    const scene = buildScene(engine.cluster, config);
    const r = walk(engine, config, {
      from: 'default/pod-a',
      to: 'default/pod-c',
      port: 80,
      protocol: 'TCP',
    });
    expect(r.hops.map((h) => anchor(scene, h))).toEqual([
      'pod:default/pod-a',
      'layer:node-1:iptables',
      'layer:node-1:routing',
      'layer:node-1:iptables',
      'layer:node-1:tunnel',
      'segment:192.168.1.0/24',
      'layer:node-2:tunnel',
      'layer:node-2:routing',
      'layer:node-2:iptables',
      'pod:default/pod-c',
    ]);
  });

  it('follows a Cilium VXLAN walk through cil_from_container, the tunnel and the policy tail call', () => {
    const engine = engineFor('two-node-basic.yaml');
    const config = cilium();
    const scene = buildScene(engine.cluster, config);
    const r = walk(engine, config, {
      from: 'default/pod-a',
      to: 'default/pod-c',
      port: 80,
      protocol: 'TCP',
    });
    const anchors = r.hops.map((h) => anchor(scene, h));
    expect(anchors[0]).toBe('pod:default/pod-a');
    expect(anchors[1]).toBe('layer:node-1:lxc-ebpf');
    expect(anchors).toContain('layer:node-1:tunnel');
    expect(anchors).toContain('segment:192.168.1.0/24');
    expect(anchors).toContain('layer:node-2:tunnel');
    expect(anchors[anchors.length - 1]).toBe('pod:default/pod-c');
  });

  it('passes a spine between two ToRs, and stops at the router that strands a packet', () => {
    const engine = engineFor('multi-rack.yaml');
    const pods = engine.cluster.pods;
    const a = pods.find((p) => p.nodeName === 'node-1')!;
    const b = pods.find((p) => p.nodeName === 'node-4')!;
    const spec: PacketSpec = {
      from: `${a.namespace}/${a.name}`,
      to: `${b.namespace}/${b.name}`,
      port: 80,
      protocol: 'TCP',
    };
    const torConfig = calico({ peering: 'tor', encap: 'none' });
    const tor = buildScene(engine.cluster, torConfig);
    const places = walk(engine, torConfig, spec)
      .hops.filter((h) => h.stage === 'wire')
      .map((h) => placeHop(tor, h));
    expect(places[0]).toMatchObject({ id: 'tor:tor-rack-1', via: [], node: null });
    expect(places[1]!.id).toBe('tor:tor-rack-2');
    expect(places[1]!.via[0]).toMatch(/^spine:spine-[12]$/);

    const meshConfig = calico({ encap: 'none' });
    const mesh = buildScene(engine.cluster, meshConfig);
    const stranded = walk(engine, meshConfig, spec);
    expect(stranded.verdict).toBe('dropped');
    expect(anchor(mesh, stranded.hops[stranded.hops.length - 1]!)).toBe('router:192.168.1.1');

    const ipipConfig = calico();
    const ipip = buildScene(engine.cluster, ipipConfig);
    const routed = walk(engine, ipipConfig, spec).hops.find((h) => h.stage === 'wire')!;
    expect(placeHop(ipip, routed)).toMatchObject({
      id: 'router:192.168.2.1',
      via: ['router:192.168.1.1'],
    });
  });
});
