import { describe, expect, it } from 'vitest';
import { DEFAULT_CALICO_CONFIG, DEFAULT_CILIUM_CONFIG } from '../datapath/config';
import { runFlows, type FlowsData } from '../datapath/flows/flowsData';
import { hubbleFilter } from '../datapath/flows/hubbleFilter';
import { engineFor } from '../test/scenarios';
import { clockTime, flowPacket, hubbleFlowRows, verdictCounts } from './flowsView';

const CONFIGS = { calico: DEFAULT_CALICO_CONFIG, cilium: DEFAULT_CILIUM_CONFIG };

describe('the Hubble flow list (issue 17)', async () => {
  const data = (await runFlows(engineFor('seed-policies.yaml'), { configs: CONFIGS })) as FlowsData;

  it('has one flow per walk (a request, and its reply when there is one), each with its events', () => {
    const rows = hubbleFlowRows(data.hubble, null);
    const walks =
      data.rows.length +
      new Set(data.hubble.filter((e) => e.walk === 'reply').map((e) => e.connection)).size;
    expect(rows).toHaveLength(walks);
    expect(rows.reduce((n, r) => n + r.events.length, 0)).toBe(data.hubble.length);
    for (const r of rows) expect(r.matched.every(Boolean)).toBe(true);
  });

  it("ends a flow DROPPED exactly when Cilium's walk dropped the request", () => {
    for (const r of hubbleFlowRows(data.hubble, null)) {
      if (r.walk !== 'request') continue;
      const cilium = data.rows[r.connection]!.cilium;
      expect('verdict' in cilium && cilium.verdict).toBe(
        r.verdict === 'DROPPED' ? 'dropped' : 'delivered',
      );
    }
  });

  it('keeps a flow when one of its events matches, and marks which', () => {
    const matches = hubbleFilter('--type policy-verdict');
    const rows = hubbleFlowRows(data.hubble, matches);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.matched.some(Boolean)).toBe(true);
      expect(r.matched.some((m) => !m)).toBe(true); // its trace events did not match
      r.events.forEach((e, i) => expect(r.matched[i]).toBe(e.flow.event_type.type === 5));
    }
    const counts = verdictCounts(hubbleFlowRows(data.hubble, hubbleFilter('--verdict DROPPED')));
    expect(counts.forwarded).toBe(0);
    expect(counts.dropped).toBeGreaterThan(0);
  });

  it('names a Service flow by its backend, with the Service beside it', () => {
    const svc = hubbleFlowRows(data.hubble, null).find((r) => r.service && r.walk === 'request');
    expect(svc).toBeDefined();
    expect(svc!.destination).toMatch(/^shop\//);
    expect(svc!.destination).not.toMatch(/world/);
  });

  it('walks the connection of a flow, as a reply for a reply', () => {
    expect(flowPacket(data.rows, 0, 'request')).toEqual(data.rows[0]!.packet);
    expect(flowPacket(data.rows, 0, 'reply')).toEqual({ ...data.rows[0]!.packet, reply: true });
    expect(flowPacket(data.rows, 10_000, 'request')).toBeNull();
    expect(clockTime(data.rows[1]!.time)).toBe('10:00:00.250');
  });
});
