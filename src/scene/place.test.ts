/**
 * Every hop of every walk carries its place as data (Hop.place), set by the walks with place.ts's
 * constructors: for every CNI configuration and every scenario the place is an element the scene
 * draws, on the node the hop happens on, and where its stage says it must be.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { podKey } from '../engine/cluster';
import type { Engine } from '../engine/verdict';
import { engineFor, everyConfig, SCENARIOS } from '../test/scenarios';
import type { WalkConfig } from '../datapath/config';
import type { Hop } from '../datapath/hop';
import { resolvePacket, type PacketSpec } from '../datapath/packet';
import { placeHop, sceneElementIds } from './place';
import { buildScene, type Scene } from './scene';
import { isPolicyDrop, walk } from '../datapath/walk';

const FILES = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));

/** Every configuration of both CNIs, from the options registry. */
const CONFIGS: WalkConfig[] = everyConfig();

/**
 * From the first pod: to a pod on its node, on another node of its subnet, in another subnet;
 * back; to the outside, to a node, to each port of each Service, and an HTTP request.
 */
function packets(engine: Engine): PacketSpec[] {
  const { cluster } = engine;
  const key = (p: (typeof cluster.pods)[number]) => podKey(p);
  const first = cluster.pods[0]!;
  const home = cluster.nodes.find((n) => n.name === first.nodeName)!;
  const subnet = (ip: string) => ip.split('.').slice(0, 3).join('.');
  const nodeIp = (p: (typeof cluster.pods)[number]) =>
    cluster.nodes.find((n) => n.name === p.nodeName)!.internalIP;
  const others = cluster.pods.filter((p) => p !== first);
  const picks = [
    others.find((p) => p.nodeName === first.nodeName),
    others.find(
      (p) => p.nodeName !== first.nodeName && subnet(nodeIp(p)) === subnet(home.internalIP),
    ),
    others.find((p) => subnet(nodeIp(p)) !== subnet(home.internalIP)),
  ].filter((p) => p !== undefined);
  const out: PacketSpec[] = [];
  const send = (from: string, to: string, port: number, extra: Partial<PacketSpec> = {}) =>
    out.push({ from, to, port, protocol: 'TCP', ...extra });
  for (const p of picks) send(key(first), key(p), 80);
  for (const p of picks) send(key(p), key(first), 80);
  send(key(first), 'ip:203.0.113.7', 443);
  for (const n of cluster.nodes.slice(0, 2)) send(key(first), `ip:${n.internalIP}`, 10250);
  for (const s of cluster.services)
    for (const port of s.ports)
      send(key(first), `svc:${s.namespace}/${s.name}`, port.port, { protocol: port.protocol });
  if (cluster.pods.some((p) => key(p) === 'shop/api'))
    for (const p of cluster.pods)
      send(key(p), 'shop/api', 8080, { http: { method: 'GET', path: '/api/v1/items' } });
  return out;
}

/** The cluster node whose box holds element `id`, if it is inside one. */
function ownerNode(scene: Scene, id: string): string | undefined {
  for (const n of scene.nodes) {
    if (n.id === id || n.layers.some((l) => l.id === id)) return n.name;
    if (n.pods.some((p) => p.id === id || p.vethId === id)) return n.name;
  }
  return undefined;
}

const layerKind = (scene: Scene, id: string) =>
  scene.nodes.flatMap((n) => n.layers).find((l) => l.id === id)?.kind;

const isNetwork = (scene: Scene, id: string) =>
  id === scene.outside.id ||
  scene.segments.some((s) => s.id === id) ||
  scene.gateways.some((g) => g.id === id);

describe('Hop.place', () => {
  const seen = {
    walks: 0,
    replies: 0,
    dropped: 0,
    ingressDrops: 0,
    services: 0,
    outside: 0,
    sameNode: 0,
  };

  it.each(FILES)(
    'names a drawn element, on the hop’s node and where its stage says, in every walk of %s',
    (file) => {
      const engine = engineFor(file);
      const specs = packets(engine);
      const walksBefore = seen.walks;
      for (const config of CONFIGS) {
        const scene = buildScene(engine.cluster, config);
        const ids = sceneElementIds(scene);
        const veths = new Set(scene.nodes.flatMap((n) => n.pods.map((p) => p.veth)));
        for (const spec of specs) {
          const p = resolvePacket(engine.cluster, spec);
          for (const reply of [false, true]) {
            const r = walk(engine, config, { ...spec, reply });
            seen.walks++;
            if (reply) seen.replies++;
            if (r.verdict === 'dropped') seen.dropped++;
            if (p.service) seen.services++;
            if (p.target?.kind === 'external') seen.outside++;
            if (p.target?.kind === 'pod' && p.target.node.name === p.clientNode.name)
              seen.sameNode++;
            // Who sends and who receives this packet (a reply goes the other way).
            const server = p.target && p.target.kind !== 'external' ? p.target.node.name : null;
            const sender = reply ? server : p.clientNode.name;
            const receiver = reply ? p.clientNode.name : server;
            const established = reply && !(r.verdict === 'dropped' && r.hops.length === 1);
            const check = (hop: Hop, i: number) => {
              const at = hop.place;
              const context = `${file} ${scene.title}: ${reply ? 'reply ' : ''}${spec.from} → ${spec.to} ${spec.protocol}: ${hop.stage} on ${hop.node} at "${hop.where}" → ${at.id}`;
              expect(ids.has(at.id), context).toBe(true);
              for (const v of at.via) expect(ids.has(v), context).toBe(true);
              // The drawing finds the walk's own place, no fallback.
              expect(placeHop(scene, hop), context).toEqual(at);
              const owner = ownerNode(scene, at.id);
              if (owner !== undefined) {
                expect(at.node, context).toBe(owner);
                expect(at.node, context).toBe(hop.node);
              } else {
                expect(at.node, context).toBeNull();
                expect(at.hook, context).toBe('network');
                expect(isNetwork(scene, at.id), context).toBe(true);
              }
              if (at.layer) expect(layerKind(scene, at.id), context).toBe(at.layer);
              for (const name of hop.where.match(/\b(?:cali[0-9a-f]{11}|lxc[0-9a-f]{12})\b/g) ?? [])
                expect(veths.has(name), context).toBe(true);
              switch (hop.stage) {
                case 'in-pod':
                  expect(['pod', 'host'], context).toContain(at.hook);
                  expect(at.node, context).toBe(sender);
                  break;
                case 'egress-policy':
                  expect(at.node, context).toBe(sender);
                  break;
                case 'ingress-policy':
                  expect(at.node, context).toBe(receiver);
                  break;
                case 'encapsulation':
                  expect(['tunnel', 'wireguard', 'xfrm'], context).toContain(at.layer);
                  expect(at.node, context).toBe(sender);
                  break;
                case 'wire':
                  expect(at.node, context).toBeNull();
                  break;
                case 'routing':
                  expect(at.hook, context).toBe('route');
                  expect(at.layer, context).toBeDefined();
                  break;
                case 'delivered':
                  if (hop.where.includes('eth0 in ')) {
                    expect(at.hook, context).toBe('pod');
                    expect(at.node, context).toBe(receiver ?? sender);
                  }
                  break;
                case 'dropped': {
                  // A policy drop happens where the policy was judged.
                  const before = r.hops[i - 1]?.stage;
                  if (!isPolicyDrop(r.dropReason)) break;
                  if (before === 'ingress-policy') {
                    expect(at.node, context).toBe(receiver);
                    seen.ingressDrops++;
                  }
                  if (before === 'egress-policy') expect(at.node, context).toBe(sender);
                  break;
                }
                default:
                  break;
              }
              if (at.hook === 'socket') expect(hop.stage, context).toBe('service-lb');
            };
            r.hops.forEach(check);
            if (established && r.verdict === 'delivered') {
              const last = r.hops[r.hops.length - 1]!;
              expect(last.place.id).toBe(`pod:${podKey(p.client)}`);
            }
          }
        }
      }
      expect(seen.walks - walksBefore).toBeGreaterThan(CONFIGS.length * 10);
    },
    120_000,
  );

  it('walked replies, Services, the outside, same-node pairs and drops at ingress policy', () => {
    expect(seen.replies).toBeGreaterThan(0);
    expect(seen.services).toBeGreaterThan(0);
    expect(seen.outside).toBeGreaterThan(0);
    expect(seen.sameNode).toBeGreaterThan(0);
    expect(seen.dropped).toBeGreaterThan(0);
    expect(seen.ingressDrops).toBeGreaterThan(0);
  });
});
