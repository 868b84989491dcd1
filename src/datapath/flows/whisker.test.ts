import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../engine/parse/load';
import { formatRef, type Direction } from '../../engine/model';
import { specCase } from '../../engine/probe';
import { createEngine, evaluateProbe, type Engine } from '../../engine/verdict';
import { DEFAULT_CALICO_CONFIG, DEFAULT_CILIUM_CONFIG } from '../config';
import { isPolicyDrop } from '../walk';
import { runTraffic } from './run';
import { generateTraffic } from './traffic';
import type { WalkedConnection } from './types';
import {
  aggregateFlowLogs,
  calicoFlowLogs,
  calicoRunFlowLogs,
  formatPolicyHit,
  policyHitSummary,
  whiskerPolicyRows,
  type CalicoFlowLog,
  type PolicyHit,
} from './whisker';
import { TIERS_LISTED, runOf, seedWorld, tiersWorld } from '../../test/whiskerWorlds';

const WORLDS = [
  { name: 'seed-policies', engine: seedWorld, listed: [] },
  { name: 'tiers + staged + egress deny', engine: tiersWorld, listed: TIERS_LISTED },
] as const;
const MODES = ['iptables', 'ebpf'] as const;

const find = (run: { connections: readonly WalkedConnection[] }, from: string, to: string) => {
  const wc = run.connections.find(
    (c) => c.connection.packet.from === from && c.connection.packet.to === to,
  );
  if (!wc) throw new Error(`no connection ${from} -> ${to} in the run`);
  return wc;
};

/** The policy a hit names: its own, or an end-of-tier hit's trigger. */
const named = (h: PolicyHit): PolicyHit => (h.kind === 'EndOfTier' && h.trigger ? h.trigger : h);

/** The cluster object behind a hit, found by what the hit says. */
function policyOf(engine: Engine, h: PolicyHit) {
  const n = named(h);
  const k8s = n.kind === 'NetworkPolicy' || n.kind === 'StagedKubernetesNetworkPolicy';
  const list = k8s ? engine.cluster.k8sPolicies : engine.cluster.calicoPolicies;
  const found = list.filter((p) => p.name === n.name && (p.namespace ?? '') === n.namespace);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe.each(WORLDS)('Calico flow logs over $name', ({ engine: world, listed }) => {
  describe.each(MODES)('%s dataplane', (mode) => {
    it('reports Allow on every side of a connection Calico allows, Deny on the side that denied', () => {
      const engine = world();
      const run = runOf(engine, mode, listed);
      const seen = { Allow: 0, Deny: 0 };
      for (const wc of run.connections) {
        if (!wc.calico.ok) continue;
        const req = wc.calico.request;
        const logs = calicoFlowLogs(engine, wc);
        const v = req.probe ? evaluateProbe(engine, req.probe) : undefined;
        if (logs.length === 0) {
          // Nothing saw it: the spec settles it before any hook (a pod reaching itself).
          expect(v?.ok && v.verdict.calico.model.trace).toEqual([]);
          continue;
        }
        for (const l of logs) seen[l.action]++;
        const allowed = logs.every((l) => l.action === 'Allow');
        expect(v?.ok, `${req.title}: no verdict`).toBe(true);
        if (v?.ok) expect(allowed, req.title).toBe(v.verdict.calico.allowed);
        if (req.verdict === 'delivered' || isPolicyDrop(req.dropReason))
          expect(allowed, req.title).toBe(req.verdict === 'delivered');
        // A Deny ends the connection: nothing reports after the side that denied.
        const deny = logs.findIndex((l) => l.action === 'Deny');
        if (deny >= 0) expect(deny).toBe(logs.length - 1);
        for (const l of logs) expect(l.connection).toBe(wc.id);
      }
      expect(seen.Allow).toBeGreaterThan(0);
      expect(seen.Deny).toBeGreaterThan(0);
    });

    it('names in its last enforced hit the policy and rule the reference evaluator says decided', () => {
      const engine = world();
      let checked = 0;
      for (const wc of runOf(engine, mode, listed).connections) {
        if (!wc.calico.ok || !wc.calico.request.probe) continue;
        const v = evaluateProbe(engine, wc.calico.request.probe);
        if (!v.ok) continue;
        for (const l of calicoFlowLogs(engine, wc)) {
          const direction: Direction = l.reporter === 'Src' ? 'egress' : 'ingress';
          const dv = v.verdict.calico.reference[direction];
          if (specCase(v.verdict.resolved)?.kind === 'own node') {
            // The reference answers by the spec (no hook); Felix runs the pod's egress policy,
            // and the walk shows that run.
            expect(l.action === 'Allow').toBe(wc.calico.request.verdict === 'delivered');
            continue;
          }
          expect(dv, `${wc.calico.request.title} ${direction}`).toBeDefined();
          const last = l.policies.enforced[l.policies.enforced.length - 1]!;
          expect(last.action).toBe(dv!.allowed ? 'Allow' : 'Deny');
          if (dv!.policy === undefined) {
            // No policy selects the pod this way: the namespace profile allows.
            expect(last).toMatchObject({
              kind: 'Profile',
              name: `kns.${l.reporter === 'Src' ? l.source_namespace : l.dest_namespace}`,
            });
            continue;
          }
          expect(formatRef(policyOf(engine, last).ref)).toBe(dv!.policy);
          if (last.kind === 'EndOfTier') expect(last.rule_index).toBe(-1);
          else if (policyOf(engine, last).dialect === 'calico')
            expect(`spec.${direction}[${last.rule_index}]`).toBe(dv!.rule);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  });

  it('gives the same flow logs whether the policy came from the iptables hops or the eBPF program', () => {
    const engine = world();
    const strip = (logs: CalicoFlowLog[]) =>
      logs.map(({ policies, action, reporter }) => ({ policies, action, reporter }));
    const a = calicoRunFlowLogs(engine, runOf(engine, 'iptables', listed).connections);
    const b = calicoRunFlowLogs(engine, runOf(engine, 'ebpf', listed).connections);
    expect(a.length).toBeGreaterThan(0);
    expect(strip(b)).toEqual(strip(a));
  });
});

describe('reporters', () => {
  const engine = tiersWorld();
  const run = runOf(engine, 'iptables', TIERS_LISTED);
  const nodesOf = (wc: WalkedConnection) =>
    wc.calico.ok ? new Set(wc.calico.request.hops.map((h) => h.node)).size : 0;

  it('has both sides report a cross-node connection, each with its own trace', () => {
    const wc = find(run, 'shop/frontend', 'pod:shop/backend');
    expect(nodesOf(wc)).toBe(2);
    const logs = calicoFlowLogs(engine, wc);
    expect(logs.map((l) => `${l.reporter} ${l.action}`)).toEqual(['Src Allow', 'Dst Allow']);
    // The client's egress: no policy selects frontend, its namespace profile allows.
    expect(logs[0]!.policies.enforced.map(formatPolicyHit)).toEqual([
      '0|__PROFILE__|pro:kns.shop|allow|0',
    ]);
    // The server's ingress: tier security passes (rule 2 of backend-guard), the Kubernetes policy allows.
    expect(logs[1]!.policies.enforced.map(formatPolicyHit)).toEqual([
      '0|security|gnp:security.backend-guard|pass|2',
      '1|default|knp:shop/allow-frontend|allow|0',
    ]);
    expect(logs[1]).toMatchObject({ packets_in: 1, packets_out: 1 });
    expect(logs[0]).toMatchObject({ packets_in: 1, packets_out: 1 });
  });

  it('has the one Felix of a node report both sides when both pods are on it', () => {
    const wc = find(run, 'shop/frontend', 'shop/debug');
    expect(nodesOf(wc)).toBe(1);
    expect(calicoFlowLogs(engine, wc).map((l) => `${l.reporter} ${l.action}`)).toEqual([
      'Src Allow',
      'Dst Allow',
    ]);
  });

  it('has only the sender report a packet its egress policy denied', () => {
    const wc = find(run, 'shop/debug', 'shop/frontend');
    const logs = calicoFlowLogs(engine, wc);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      reporter: 'Src',
      action: 'Deny',
      packets_out: 1,
      packets_in: 0,
    });
    expect(logs[0]!.policies.enforced.map(policyHitSummary)).toEqual([
      'default|shop|debug-egress|Deny',
    ]);
  });

  it('reports an address outside as Goldmane names a network, with no Dst side', () => {
    const wc = run.connections.find((c) => c.connection.kind === 'outside')!;
    const logs = calicoFlowLogs(engine, wc);
    expect(logs.map((l) => l.reporter)).toEqual(['Src']);
    expect(logs[0]).toMatchObject({ dest_type: 'Network', dest_namespace: '-', dest_labels: '' });
    expect(['PUBLIC NETWORK', 'PRIVATE NETWORK']).toContain(logs[0]!.dest_name);
  });
});

describe('policy traces', () => {
  const engine = tiersWorld();
  const run = runOf(engine, 'iptables', TIERS_LISTED);

  it('shows an end-of-tier deny, and a Pass tier’s end, with the policy that triggered each', () => {
    const logs = calicoFlowLogs(engine, find(run, 'shop/frontend', 'pod:shop/database'));
    const dst = logs.find((l) => l.reporter === 'Dst')!;
    expect(dst.action).toBe('Deny');
    expect(dst.policies.enforced).toEqual([
      expect.objectContaining({
        kind: 'EndOfTier',
        tier: 'audit',
        action: 'Pass',
        policy_index: 0,
        rule_index: -1,
        // Felix's TierDefaultActionRuleID: the tier's last policy (by order, then name).
        trigger: expect.objectContaining({
          kind: 'GlobalNetworkPolicy',
          name: 'audit.zz-watch-db',
        }),
      }),
      expect.objectContaining({
        kind: 'EndOfTier',
        tier: 'security',
        action: 'Deny',
        policy_index: 1,
        rule_index: -1,
        trigger: expect.objectContaining({ name: 'security.database-guard' }),
      }),
    ]);
    expect(formatPolicyHit(dst.policies.enforced[1]!)).toBe(
      '1|security|gnp:security.database-guard|deny|-1',
    );
    // The pending trace's checker names the tier's first policy that did not match.
    expect(dst.policies.pending[0]!.trigger).toMatchObject({ name: 'audit.watch-db' });
  });

  it('puts the staged policy in the pending trace only, where it decides', () => {
    const dst = calicoFlowLogs(engine, find(run, 'shop/frontend', 'pod:shop/backend')).find(
      (l) => l.reporter === 'Dst',
    )!;
    expect(dst.action).toBe('Allow');
    expect(dst.policies.enforced.some((h) => h.kind.startsWith('Staged'))).toBe(false);
    expect(dst.policies.pending).toEqual([
      expect.objectContaining({
        kind: 'StagedGlobalNetworkPolicy',
        name: 'security.no-frontend',
        tier: 'security',
        action: 'Deny',
        rule_index: 0,
      }),
    ]);
  });

  it('leaves pending equal to enforced where no staged policy selects the endpoint', () => {
    const logs = calicoRunFlowLogs(engine, run.connections).filter(
      (l) => !(l.reporter === 'Dst' && l.dest_name === 'backend'),
    );
    expect(logs.length).toBeGreaterThan(0);
    for (const l of logs) {
      const key = (hs: readonly PolicyHit[]) =>
        hs.map(
          (h) => `${h.kind}|${h.tier}|${h.name}|${h.action}|${h.policy_index}|${h.rule_index}`,
        );
      expect(key(l.policies.pending)).toEqual(key(l.policies.enforced));
    }
  });

  it('shows a profile as Whisker’s details table does: an end of tier default', () => {
    const src = calicoFlowLogs(engine, find(run, 'shop/frontend', 'pod:shop/backend'))[0]!;
    expect(whiskerPolicyRows(src.policies.enforced)).toEqual([
      expect.objectContaining({
        kind: 'EndOfTier',
        tier: 'default',
        name: '',
        policy_index: null,
        rule_index: null,
      }),
    ]);
    const dst = calicoFlowLogs(engine, find(run, 'shop/frontend', 'pod:shop/backend'))[1]!;
    // A policy's own hit keeps its indices; only end-of-tier rows lose them.
    expect(whiskerPolicyRows(dst.policies.enforced)).toEqual(dst.policies.enforced);
    const db = calicoFlowLogs(engine, find(run, 'shop/frontend', 'pod:shop/database'))[1]!;
    expect(whiskerPolicyRows(db.policies.enforced).map((r) => r.rule_index)).toEqual([null, null]);
  });
});

describe('fields', () => {
  const engine = seedWorld();
  const run = runOf(engine, 'iptables');

  it('names the Service and the port the client addressed, the target port as dest_port', () => {
    const wc = run.connections.find((c) => c.connection.kind === 'service')!;
    const svc = engine.cluster.services.find(
      (s) => `svc:${s.namespace}/${s.name}` === wc.connection.packet.to,
    )!;
    const port = svc.ports.find((p) => p.port === wc.connection.packet.port)!;
    for (const l of calicoFlowLogs(engine, wc)) {
      expect(l).toMatchObject({
        dest_service_name: svc.name,
        dest_service_namespace: svc.namespace,
        dest_service_port: port.port,
        dest_service_port_name: port.name ?? '',
      });
      const backend = engine.cluster.pods.find(
        (p) => p.name === l.dest_name && p.namespace === l.dest_namespace,
      )!;
      const target =
        typeof port.targetPort === 'number'
          ? port.targetPort
          : backend.ports.find((p) => p.name === port.targetPort)!.port;
      expect(l.dest_port).toBe(target);
    }
  });

  it('carries the endpoint labels sorted, lower-case protocols and whole-second times', () => {
    const wc = run.connections[0]!;
    const [l] = calicoFlowLogs(engine, wc);
    const pod = engine.cluster.pods.find(
      (p) => `${p.namespace}/${p.name}` === wc.connection.packet.from,
    )!;
    const labels = l!.source_labels.split(' | ');
    expect([...labels].sort()).toEqual(labels);
    for (const [k, v] of Object.entries(pod.labels)) expect(labels).toContain(`${k}=${v}`);
    expect(labels).toContain(`projectcalico.org/namespace=${pod.namespace}`);
    expect(l!.protocol).toBe(wc.connection.packet.protocol.toLowerCase());
    expect(Date.parse(l!.start_time)).toBe(Math.floor(wc.time / 1000) * 1000);
    expect(Date.parse(l!.end_time) - Date.parse(l!.start_time)).toBe(15_000);
  });
});

describe('aggregateFlowLogs', () => {
  const engine = seedWorld();
  const run = runOf(engine, 'iptables');
  const logs = calicoRunFlowLogs(engine, run.connections);
  const sum = (xs: readonly { packets_in: number; bytes_out: number }[]) =>
    xs.reduce((n, x) => n + x.packets_in * 1000 + x.bytes_out, 0);

  it('merges a key’s logs within an interval, keeping every connection and counter once', () => {
    const rows = aggregateFlowLogs(logs);
    expect(rows.length).toBeLessThan(logs.length);
    expect(rows.reduce((n, r) => n + r.connections.length, 0)).toBe(logs.length);
    expect(sum(rows)).toBe(sum(logs));
    for (const r of rows) {
      expect(r.num_connections_started).toBe(r.connections.length);
      const members = logs.filter(
        (l) => r.connections.includes(l.connection) && l.reporter === r.reporter,
      );
      expect(members).toHaveLength(r.connections.length);
      for (const m of members) {
        expect(m).toMatchObject({
          action: r.action,
          dest_name: r.dest_name,
          dest_port: r.dest_port,
          source_name: r.source_name,
        });
        expect(m.policies).toEqual(r.policies);
        expect(Date.parse(m.start_time)).toBeGreaterThanOrEqual(Date.parse(r.start_time));
        expect(Date.parse(m.start_time)).toBeLessThan(Date.parse(r.end_time));
      }
    }
  });

  it('merges more over a longer interval than over one second, and refuses an interval that is not whole seconds', () => {
    const span = Math.ceil((run.connections.at(-1)!.time - run.connections[0]!.time) / 1000) + 1;
    const one = aggregateFlowLogs(logs, span);
    expect(one.length).toBeLessThan(aggregateFlowLogs(logs, 1).length);
    expect(new Set(one.map((r) => r.start_time)).size).toBe(1);
    expect(() => aggregateFlowLogs(logs, 1.5)).toThrow(/whole number of seconds/);
  });
});

describe('every scenario of the lessons', () => {
  const files = [
    ...readdirSync('lessons', { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) =>
        readdirSync(join('lessons', d.name))
          .filter((f) => f.endsWith('.yaml') && f !== 'steps.yaml' && f !== 'notes.yaml')
          .map((f) => join('lessons', d.name, f)),
      ),
    'src/test/fixtures/surprises.yaml',
  ];

  it.each(files)(
    '%s: flow logs agree with evaluateProbe, each trace ends on its action',
    (file) => {
      const { cluster, diagnostics } = loadManifests([
        { name: file, text: readFileSync(file, 'utf8') },
      ]);
      if (diagnostics.some((d) => d.severity === 'error') || cluster.pods.length < 2) return;
      const engine = createEngine(cluster);
      const run = runTraffic(
        engine,
        { calico: DEFAULT_CALICO_CONFIG, cilium: DEFAULT_CILIUM_CONFIG },
        generateTraffic(cluster, { max: 60 }).connections,
      );
      for (const wc of run.connections) {
        if (!wc.calico.ok || !wc.calico.request.probe) continue;
        const logs = calicoFlowLogs(engine, wc);
        const v = evaluateProbe(engine, wc.calico.request.probe);
        if (!v.ok || logs.length === 0 || specCase(v.verdict.resolved)) continue;
        expect(
          logs.every((l) => l.action === 'Allow'),
          wc.calico.request.title,
        ).toBe(v.verdict.calico.allowed);
        for (const l of logs) {
          expect(l.policies.enforced.at(-1)?.action).toBe(l.action);
          // Pending ends on a verdict too (its own: a staged policy may decide otherwise).
          expect(['Allow', 'Deny']).toContain(l.policies.pending.at(-1)?.action);
          for (const trace of [l.policies.enforced, l.policies.pending]) {
            const indices = trace.map((h) => h.policy_index);
            expect([...indices].sort((a, b) => a - b)).toEqual(indices);
            for (const h of trace) if (h.kind === 'EndOfTier') expect(h.trigger).not.toBeNull();
          }
        }
      }
    },
  );
});
