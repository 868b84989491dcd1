import { describe, expect, it } from 'vitest';
import { podKey } from '../../engine/cluster';
import { evaluateProbe } from '../../engine/verdict';
import { DEFAULT_CALICO_CONFIG, DEFAULT_CILIUM_CONFIG } from '../config';
import { probeOf, resolvePacket } from '../packet';
import { engineFor } from '../../test/scenarios';
import { CONNECTION_SPACING_MS, DEFAULT_RUN_START, runTraffic } from './run';
import { generateTraffic, OUTSIDE_ADDRESS, outsideAddresses, parseTraffic } from './traffic';

const CONFIGS = { calico: DEFAULT_CALICO_CONFIG, cilium: DEFAULT_CILIUM_CONFIG };

describe('generated traffic (issue 17)', () => {
  const engine = engineFor('seed-policies.yaml');
  const cluster = engine.cluster;

  it('sends every pod to every port another pod declares, every Service port and the outside', () => {
    const { connections, omitted } = generateTraffic(cluster, { max: 100_000 });
    expect(omitted).toBe(0);
    const keys = new Set(
      connections.map((c) => `${c.packet.from} ${c.packet.to} ${c.packet.port}`),
    );
    for (const from of cluster.pods)
      for (const to of cluster.pods)
        for (const p of to.ports)
          if (to !== from)
            expect(keys.has(`${podKey(from)} pod:${podKey(to)} ${p.port}`)).toBe(true);
    for (const svc of cluster.services)
      for (const p of svc.ports)
        expect(
          keys.has(`${podKey(cluster.pods[0]!)} svc:${svc.namespace}/${svc.name} ${p.port}`),
        ).toBe(true);
    expect(keys.has(`${podKey(cluster.pods[0]!)} ip:${OUTSIDE_ADDRESS} 443`)).toBe(true);
    // Every connection resolves against the cluster.
    for (const c of connections) expect(() => resolvePacket(cluster, c.packet)).not.toThrow();
  });

  it('builds HTTP requests from the L7 rules, with one no rule allows', () => {
    const http = generateTraffic(cluster, { max: 100_000 }).connections.filter(
      (c) => c.kind === 'http',
    );
    const requests = new Set(http.map((c) => `${c.packet.http!.method} ${c.packet.http!.path}`));
    expect(requests).toEqual(new Set(['GET /api/v1/', 'POST /api/v1/orders', 'DELETE /admin']));
  });

  it('names the CIDRs policies allow as outside addresses, outside the cluster', () => {
    for (const ip of outsideAddresses(cluster)) {
      expect(cluster.pods.some((p) => p.ip === ip)).toBe(false);
      expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    }
  });

  it('caps the run, the kinds taking turns, and counts what it left out', () => {
    const all = generateTraffic(cluster, { max: 100_000 }).connections.length;
    const { connections, omitted } = generateTraffic(cluster, { max: 8 });
    expect(connections).toHaveLength(8);
    expect(omitted).toBe(all - 8);
    expect(new Set(connections.map((c) => c.kind))).toEqual(
      new Set(['pod-port', 'service', 'outside', 'http']),
    );
  });
});

describe('a traffic run', () => {
  const engine = engineFor('seed-policies.yaml');
  const { connections } = generateTraffic(engine.cluster, { max: 100_000 });
  const run = runTraffic(engine, CONFIGS, connections);

  it('walks each connection through both CNIs, replies only after a delivered request', () => {
    expect(run.connections).toHaveLength(connections.length);
    expect(connections.length).toBeGreaterThan(30);
    for (const wc of run.connections)
      for (const o of [wc.calico, wc.cilium]) {
        expect(o.ok).toBe(true);
        if (!o.ok) continue;
        if (o.request.verdict === 'delivered') expect(o.reply?.title).toMatch(/^Reply of/);
        else expect(o.reply).toBeUndefined();
      }
  });

  it("agrees with the engine's verdict for every connection judged on policy", () => {
    let judged = 0;
    for (const wc of run.connections) {
      const probe = probeOf(resolvePacket(engine.cluster, wc.connection.packet));
      if (!probe || wc.connection.packet.http) continue;
      const v = evaluateProbe(engine, probe);
      expect(v.ok).toBe(true);
      if (!v.ok) continue;
      for (const cni of ['calico', 'cilium'] as const) {
        const o = wc[cni];
        if (!o.ok) continue;
        if (!v.verdict[cni].allowed) expect(o.request.verdict).toBe('dropped');
        judged++;
      }
    }
    expect(judged).toBeGreaterThan(40);
  });

  it('keeps time on a simulated clock: one connection every 250 ms, replies a round trip later', () => {
    run.connections.forEach((wc, i) => {
      expect(wc.id).toBe(i);
      expect(wc.time).toBe(DEFAULT_RUN_START + i * CONNECTION_SPACING_MS);
      expect(wc.replyTime).toBeGreaterThan(wc.time);
      expect(wc.replyTime - wc.time).toBeLessThan(CONNECTION_SPACING_MS);
    });
  });

  it('says why a connection cannot be walked instead of failing the run', () => {
    const bad = runTraffic(engine, CONFIGS, [
      {
        packet: { from: 'shop/nobody', to: 'shop/backend', port: 80, protocol: 'TCP' },
        kind: 'listed',
      },
    ]);
    const o = bad.connections[0]!.cilium;
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.error).toMatch(/shop\/nobody/);
  });
});

describe('a traffic file', () => {
  it('reads a list of connections, with or without a traffic: key', () => {
    const text = `traffic:
  - from: shop/frontend
    to: shop/backend
    port: 8080
  - from: shop/frontend
    to: svc:shop/backend
    port: 80
    protocol: tcp
    http: {method: GET, path: /api/v1/items}
`;
    const a = parseTraffic(text, 't.yaml');
    expect(a.diagnostics).toEqual([]);
    expect(a.connections.map((c) => c.packet)).toEqual([
      { from: 'shop/frontend', to: 'shop/backend', port: 8080, protocol: 'TCP' },
      {
        from: 'shop/frontend',
        to: 'svc:shop/backend',
        port: 80,
        protocol: 'TCP',
        http: { method: 'GET', path: '/api/v1/items' },
      },
    ]);
    const b = parseTraffic('- {from: a/b, to: ip:1.1.1.1, port: 53, protocol: UDP}\n', 'u.yaml');
    expect(b.connections[0]!.packet).toEqual({
      from: 'a/b',
      to: 'ip:1.1.1.1',
      port: 53,
      protocol: 'UDP',
    });
  });

  it('refuses a bad entry at its file, line and column, with the field', () => {
    const text = `traffic:
  - from: shop/frontend
    to: shop/backend
    port: 99999
  - from: shop/frontend
    to: shop/backend
    port: 80
    protocol: QUIC
    colour: red
`;
    const r = parseTraffic(text, 'bad.yaml');
    expect(r.connections).toEqual([]);
    const where = r.diagnostics.map((d) => `${d.pos.file}:${d.pos.line} ${d.field}`);
    expect(where).toContain('bad.yaml:4 traffic[0].port');
    expect(where).toContain('bad.yaml:8 traffic[1].protocol');
    expect(where).toContain('bad.yaml:9 traffic[1].colour');
  });

  it('says so when the YAML itself is broken', () => {
    const r = parseTraffic('traffic: [\n  {from: a\n', 'broken.yaml');
    expect(r.connections).toEqual([]);
    expect(r.diagnostics[0]!.pos.file).toBe('broken.yaml');
    expect(r.diagnostics[0]!.severity).toBe('error');
  });
});
