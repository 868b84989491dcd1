/**
 * The events Hubble would emit for a connection, read off the Cilium walks: their observation
 * points follow the hops, their verdicts agree with the walk and with the engine's evaluator,
 * policy verdicts and drops carry the model's lookups and drop codes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLUSTER_NAME } from '../../engine/cilium/labels';
import { loadManifests } from '../../engine/parse/load';
import { createEngine, evaluateProbe, type Engine } from '../../engine/verdict';
import { engineFor, SCENARIOS } from '../../test/scenarios';
import { DEFAULT_CALICO_CONFIG, DEFAULT_CILIUM_CONFIG } from '../config';
import { runTraffic } from './run';
import { generateTraffic } from './traffic';
import { ciliumPolicy } from '../ciliumPolicy';
import { isPolicyDrop } from '../walk';
import {
  DROP_REASONS,
  hubbleConnectionVerdict,
  hubbleFlows,
  policyMatchType,
  protoTime,
  TRACE_POINTS,
  type HubbleEvent,
} from './hubble';
import { PACKETS, SEED, seedRun, walked } from '../../test/hubbleRun';
import type { WalkedConnection } from './types';

const CONFIGS = [
  {},
  { routing: 'native' as const },
  { routing: 'native' as const, kubeProxyReplacement: true, bpfMasquerade: true },
  { encryption: 'wireguard' as const },
  { routing: 'native' as const, encryption: 'wireguard' as const },
  { routing: 'geneve' as const, encryption: 'ipsec' as const },
];

const points = (events: readonly HubbleEvent[], walk: 'request' | 'reply') =>
  events
    .filter((e) => e.walk === walk && e.flow.event_type.type === 4)
    .map((e) => e.flow.trace_observation_point);

function requestOf(wc: WalkedConnection) {
  if (!wc.cilium.ok) throw new Error(wc.cilium.error);
  return wc.cilium.request;
}

describe('verdicts agree with the walk and the evaluator', () => {
  for (const over of CONFIGS) {
    it(`under ${JSON.stringify(over)}`, () => {
      const { engine, connections, events } = seedRun(over);
      for (const wc of connections) {
        const request = requestOf(wc);
        const mine = events.filter((e) => e.connection === wc.id);
        const verdict = hubbleConnectionVerdict(mine);
        expect(verdict, request.title).toBe(
          request.verdict === 'dropped' ? 'DROPPED' : 'FORWARDED',
        );
        const v = evaluateProbe(engine, request.probe!);
        if (!v.ok) throw new Error(v.error);
        // The evaluator judges policy (L3/L4 and L7); the walk may also end on routing.
        if (request.verdict === 'delivered' || isPolicyDrop(request.dropReason))
          expect(verdict === 'FORWARDED', request.title).toBe(v.verdict.cilium.allowed);
        // Every event of a delivered request is FORWARDED / REDIRECTED.
        if (request.verdict === 'delivered')
          expect(mine.every((e) => e.flow.verdict !== 'DROPPED')).toBe(true);
      }
    });
  }
});

describe('generated traffic over every scenario', () => {
  for (const file of ['seed-policies.yaml', 'two-node-basic.yaml', 'multi-rack.yaml']) {
    it(`${file}: each connection's events end as its Cilium walk ends`, () => {
      const engine = engineFor(file);
      const { connections } = generateTraffic(engine.cluster, { max: 60 });
      const run = runTraffic(
        engine,
        { calico: DEFAULT_CALICO_CONFIG, cilium: DEFAULT_CILIUM_CONFIG },
        connections,
      );
      expect(run.connections.length).toBeGreaterThan(0);
      for (const wc of run.connections) {
        if (!wc.cilium.ok) continue;
        const request = wc.cilium.request;
        const events = hubbleFlows(engine, wc);
        const verdict = hubbleConnectionVerdict(events);
        if (request.verdict === 'delivered') expect(verdict, request.title).toBe('FORWARDED');
        else if (
          isPolicyDrop(request.dropReason) ||
          /^HTTP\/1\.1 403/.test(request.dropReason ?? '')
        )
          expect(verdict, request.title).toBe('DROPPED');
        const v = request.probe && evaluateProbe(engine, request.probe);
        if (v && v.ok && (request.verdict === 'delivered' || isPolicyDrop(request.dropReason)))
          expect(verdict === 'FORWARDED', request.title).toBe(v.verdict.cilium.allowed);
        expect(events.some((e) => e.walk === 'reply')).toBe(
          wc.cilium.reply !== undefined && wc.cilium.reply.hops.some((h) => h.place.node !== null),
        );
      }
    });
  }
});

describe('observation points', () => {
  it('follow the hops: from-endpoint, to-overlay, from-overlay, to-endpoint in VXLAN', () => {
    const { connections, events } = seedRun();
    const wc = connections[0]!;
    const mine = events.filter((e) => e.connection === wc.id);
    expect(points(mine, 'request')).toEqual([
      'FROM_ENDPOINT',
      'TO_OVERLAY',
      'FROM_OVERLAY',
      'TO_ENDPOINT',
    ]);
    expect(points(mine, 'reply')).toEqual([
      'FROM_ENDPOINT',
      'TO_OVERLAY',
      'FROM_OVERLAY',
      'TO_ENDPOINT',
    ]);
    // Each event names the hop it came from, on that hop's node, with that hop's packet.
    const request = requestOf(wc);
    for (const e of mine.filter((x) => x.walk === 'request')) {
      const hop = request.hops[e.hop]!;
      expect(e.flow.node_name).toBe(hop.node);
      const inner = hop.headers.at(-1)!;
      expect([e.flow.IP.source, e.flow.IP.destination]).toEqual([inner.src, inner.dst]);
    }
    // event_type.sub_type is the datapath's trace point number (bpf/lib/trace.h).
    for (const e of mine.filter((x) => x.flow.event_type.type === 4))
      expect(e.flow.event_type.sub_type ?? 0).toBe(
        TRACE_POINTS[e.flow.trace_observation_point!].subType,
      );
  });

  it('native routing with legacy host routing hands to the stack; BPF host routing to the network', () => {
    const legacy = seedRun({ routing: 'native' });
    expect(
      points(
        legacy.events.filter((e) => e.connection === 0),
        'request',
      ),
    ).toEqual(['FROM_ENDPOINT', 'TO_STACK', 'FROM_NETWORK', 'TO_ENDPOINT']);
    const bpf = seedRun({ routing: 'native', kubeProxyReplacement: true, bpfMasquerade: true });
    expect(
      points(
        bpf.events.filter((e) => e.connection === 0),
        'request',
      ),
    ).toEqual(['FROM_ENDPOINT', 'TO_NETWORK', 'FROM_NETWORK', 'TO_ENDPOINT']);
  });

  it('WireGuard: from-crypto only without a tunnel (NeedIngressOnWireGuardDevice)', () => {
    const vxlan = seedRun({ encryption: 'wireguard' });
    const native = seedRun({ routing: 'native', encryption: 'wireguard' });
    const has = (evs: HubbleEvent[]) => points(evs, 'request').includes('FROM_CRYPTO');
    expect(has(vxlan.events)).toBe(false);
    expect(has(native.events)).toBe(true);
  });

  it('known trace reasons set is_reply and the direction; from-endpoint leaves both unknown', () => {
    const { events } = seedRun();
    for (const e of events.filter((x) => x.flow.event_type.type === 4)) {
      if (e.flow.trace_observation_point === 'FROM_ENDPOINT') {
        expect(e.flow.is_reply).toBeUndefined();
        expect(e.flow.traffic_direction).toBeUndefined();
      }
      if (e.flow.is_reply !== undefined) expect(e.flow.is_reply).toBe(e.walk === 'reply');
    }
    const toEndpoint = events.filter((e) => e.flow.trace_observation_point === 'TO_ENDPOINT');
    expect(
      toEndpoint
        .filter((e) => e.walk === 'request')
        .every((e) => e.flow.traffic_direction === 'INGRESS'),
    ).toBe(true);
    expect(
      toEndpoint
        .filter((e) => e.walk === 'reply')
        .every((e) => e.flow.traffic_direction === 'EGRESS'),
    ).toBe(true);
  });
});

describe('policy verdicts and drops', () => {
  it('an ingress deny: policy-verdict DROPPED and a drop with the model’s code', () => {
    const { engine, connections, events } = seedRun();
    const wc = connections[1]!; // shop/debug -> shop/backend:8080
    const request = requestOf(wc);
    const view = ciliumPolicy(engine.cluster, engine.cilium(), request.probe!)!;
    const mine = events.filter((e) => e.connection === wc.id);
    const pv = mine.filter((e) => e.flow.event_type.type === 5);
    expect(pv.map((e) => [e.flow.traffic_direction, e.flow.verdict])).toEqual([
      ['INGRESS', 'DROPPED'],
    ]);
    const drop = mine.find((e) => e.flow.event_type.type === 1)!;
    const reason = DROP_REASONS.find((r) => r.code === view.drop!.code)!;
    expect(drop.flow).toMatchObject({
      verdict: 'DROPPED',
      drop_reason: view.drop!.code,
      drop_reason_desc: reason.name,
      event_type: { type: 1, sub_type: view.drop!.code },
      traffic_direction: 'INGRESS',
    });
    expect(drop.flow.is_reply).toBeUndefined();
    expect(request.hops[drop.hop]!.stage).toBe('dropped');
    expect(pv[0]!.flow.policy_match_type ?? 0).toBe(policyMatchType(view.ingress!));
  });

  it('only directions with enforcement get a policy verdict', () => {
    const { engine, connections, events } = seedRun();
    for (const wc of connections) {
      const probe = requestOf(wc).probe;
      const view = probe && ciliumPolicy(engine.cluster, engine.cilium(), probe);
      const dirs = events
        .filter((e) => e.connection === wc.id && e.flow.event_type.type === 5)
        .map((e) => e.flow.traffic_direction);
      const expected = (['egress', 'ingress'] as const)
        .filter((d) => view?.[d]?.endpoint.enforced[d])
        .map((d) => d.toUpperCase());
      expect(dirs).toEqual(expected);
    }
  });

  it('L7: to-proxy, a REDIRECTED verdict, the http-request with its method and URL', () => {
    const { engine, connections, events } = seedRun();
    for (const id of [2, 3]) {
      const wc = connections[id]!;
      const http = PACKETS[id]!.http!;
      const mine = events.filter((e) => e.connection === id);
      expect(points(mine, 'request')).toContain('TO_PROXY');
      const toProxy = mine.find((e) => e.flow.trace_observation_point === 'TO_PROXY')!;
      expect(toProxy.flow.proxy_port).toBe(engine.cilium().proxyPorts['cilium-http-ingress']);
      expect(mine.find((e) => e.flow.event_type.type === 5)!.flow.verdict).toBe('REDIRECTED');
      const l7 = mine.filter((e) => e.flow.Type === 'L7');
      expect(l7).toHaveLength(1);
      expect(l7[0]!.flow.l7!.http).toMatchObject({ method: http.method, protocol: 'HTTP/1.1' });
      expect(l7[0]!.flow.l7!.http.url.endsWith(http.path)).toBe(true);
      expect(l7[0]!.flow.verdict).toBe(
        requestOf(wc).verdict === 'dropped' ? 'DROPPED' : 'FORWARDED',
      );
      expect(l7[0]!.flow.l7!.http.code).toBeUndefined(); // requests carry no status (seven/http.go)
    }
  });
});

/** The seed plus egress rules for shop/debug: only DNS-less TCP 5432 to the database, and a deny. */
function egressEngine(): Engine {
  const seed = readFileSync(join(SCENARIOS, SEED), 'utf8');
  const extra = `---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: debug-egress
  namespace: shop
spec:
  endpointSelector:
    matchLabels:
      app: debug
  egress:
  - toEndpoints:
    - matchLabels:
        app: database
    toPorts:
    - ports:
      - port: "5432"
        protocol: TCP
  egressDeny:
  - toEndpoints:
    - matchLabels:
        app: api
`;
  const { cluster, diagnostics } = loadManifests([{ name: 'egress.yaml', text: seed + extra }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return createEngine(cluster);
}

describe('egress policy', () => {
  const engine = egressEngine();
  const events = (to: string, port: number) =>
    hubbleFlows(engine, walked(engine, { from: 'shop/debug', to, port, protocol: 'TCP' }, 0));

  it('a default-deny egress drop happens at the source: EGRESS, code 133', () => {
    const evs = events('shop/backend', 8080);
    const drop = evs.find((e) => e.flow.event_type.type === 1)!;
    expect(drop.flow).toMatchObject({
      traffic_direction: 'EGRESS',
      drop_reason: 133,
      drop_reason_desc: 'POLICY_DENIED',
    });
    expect(points(evs, 'request')).toEqual(['FROM_ENDPOINT']);
  });

  it('a deny rule drops with 181 and its match type', () => {
    const evs = events('shop/api', 8080);
    const pv = evs.find((e) => e.flow.event_type.type === 5)!;
    expect(pv.flow).toMatchObject({
      verdict: 'DROPPED',
      drop_reason: 181,
      drop_reason_desc: 'POLICY_DENY',
    });
    expect(pv.flow.policy_match_type).toBe(1); // identity, any protocol: L3-Only (bpf/lib/policy.h)
  });

  it('an allowed egress port is an L3-L4 match', () => {
    const evs = events('shop/database', 5432);
    const pv = evs.find((e) => e.flow.event_type.type === 5)!;
    expect(pv.flow).toMatchObject({
      verdict: 'FORWARDED',
      traffic_direction: 'EGRESS',
      policy_match_type: 2,
      is_reply: false,
    });
  });
});

describe('endpoints and time', () => {
  it('pods carry their identity and labels; outside addresses are world', () => {
    const { engine, events } = seedRun();
    const dp = engine.cilium();
    for (const e of events) {
      for (const ep of [e.flow.source, e.flow.destination]) {
        if (!ep.pod_name) continue;
        const cep = dp.index.endpointByPod.get(`${ep.namespace}/${ep.pod_name}`)!;
        expect(ep.identity).toBe(cep.identity);
        expect(ep.labels).toContain(`k8s:io.kubernetes.pod.namespace=${ep.namespace}`);
        expect(ep.labels).toEqual([...ep.labels].sort());
        expect(ep.cluster_name).toBe(CLUSTER_NAME);
        if (ep.ID !== undefined) expect(cep.node).toBe(e.flow.node_name);
      }
    }
    const outside = events.find((e) => e.flow.IP.destination === '8.8.8.8')!;
    expect(outside.flow.destination).toEqual({ identity: 2, labels: ['reserved:world'] });
  });

  it('a Service address before load balancing is named by destination_service', () => {
    const { events } = seedRun();
    const first = events.find((e) => e.connection === 4)!;
    expect(first.flow.destination_service).toEqual({ name: 'backend', namespace: 'shop' });
  });

  it('times follow the run’s clock, in order, as protojson prints them', () => {
    const { connections, events } = seedRun();
    for (const wc of connections) {
      const mine = events.filter((e) => e.connection === wc.id);
      const times = mine.map((e) => Date.parse(e.flow.time));
      for (const e of mine)
        expect(Math.floor(Date.parse(e.flow.time))).toBe(
          e.walk === 'request' ? wc.time : wc.replyTime,
        );
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(mine.map((e) => e.flow.time)).toEqual([...mine.map((e) => e.flow.time)].sort());
    }
    expect(protoTime(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('2026-01-02T03:04:05Z');
    expect(protoTime(Date.UTC(2026, 0, 2, 3, 4, 5, 60))).toBe('2026-01-02T03:04:05.060Z');
    expect(protoTime(Date.UTC(2026, 0, 2, 3, 4, 5, 60), 7)).toBe('2026-01-02T03:04:05.060007Z');
  });

  it('a failed Cilium walk has no events', () => {
    const { engine, connections } = seedRun();
    const failed: WalkedConnection = { ...connections[0]!, cilium: { ok: false, error: 'x' } };
    expect(hubbleFlows(engine, failed)).toEqual([]);
  });
});
