/**
 * `hubble observe` output: every compact line parses back with a pattern made from printer.go's
 * format string `"%s%s: %s %s %s %s %s %s %s (%s)\n"` and gives back the flow's fields; the JSON
 * line is a GetFlowsResponse with flow.proto's field names in the .proto's order.
 */
import { describe, expect, it } from 'vitest';
import { seedRun } from '../../test/hubbleRun';
import { DROP_REASONS, icmpv4TypeCode, RESERVED_IDENTITY_NAMES, type HubbleFlow } from './hubble';
import {
  compactLine,
  FLOW_ORDER,
  fmtIdentity,
  jsonLine,
  orderedFlow,
  stampMilli,
} from './hubbleFormat';

const { events } = seedRun();

// printer.go: time (time.StampMilli), optional " [node]", ": ", src, (identity), arrow, dst,
// (identity), type, verdict, "(" summary ")". TYPE may hold spaces (`Policy denied`,
// `policy-verdict:L3-L4 INGRESS`), so the verdict is matched from the end.
const IDENTITY = String.raw`\((?:ID:\d+|[a-z0-9-]+)\)`;
const LINE = new RegExp(
  String.raw`^(?<time>[A-Z][a-z]{2} [ 123]\d \d{2}:\d{2}:\d{2}\.\d{3})(?: \[(?<node>[^\]]+)\])?: ` +
    String.raw`(?<src>\S+) (?<srcId>${IDENTITY}) (?<arrow>->|<-|<>) (?<dst>\S+) (?<dstId>${IDENTITY}) ` +
    String.raw`(?<type>.+) (?<verdict>FORWARDED|DROPPED|ERROR|AUDIT|REDIRECTED|TRACED|TRANSLATED|ALLOWED|DENIED|AUDITED) \((?<summary>.*)\)$`,
);

/** What printer.go's Hostname prints for one side of a flow. */
function host(f: HubbleFlow, side: 'source' | 'destination'): string {
  const ep = f[side];
  const svc = side === 'source' ? f.source_service : f.destination_service;
  const ip = side === 'source' ? f.IP.source : f.IP.destination;
  const l4 = f.l4 && ('TCP' in f.l4 ? f.l4.TCP : 'UDP' in f.l4 ? f.l4.UDP : null);
  const port = l4 ? (side === 'source' ? l4.source_port : l4.destination_port) : 0;
  const ns = svc?.namespace ?? ep.namespace;
  const name = ep.pod_name ? `${ns}/${ep.pod_name}` : svc ? `${ns}/${svc.name}` : ip;
  return port ? `${name}:${port}` : name;
}

describe('compact', () => {
  it('every line parses back into the flow’s fields', () => {
    expect(events.length).toBeGreaterThan(20);
    for (const { flow } of events) {
      const line = compactLine(flow, { nodeName: true });
      const m = LINE.exec(line);
      expect(m, line).not.toBeNull();
      const g = m!.groups!;
      expect(g.node).toBe(flow.node_name);
      const d = new Date(flow.time);
      expect(g.time!.startsWith('Dec ')).toBe(true);
      expect(Number(g.time!.slice(4, 6).trim())).toBe(d.getUTCDate());
      expect(g.time!.slice(7)).toBe(d.toISOString().slice(11, 23));
      const reply = flow.is_reply === true;
      expect(g.arrow).toBe(flow.is_reply === undefined ? '<>' : reply ? '<-' : '->');
      // A reply prints with the sides swapped, so the client stays on the left.
      const [left, right] = reply
        ? (['destination', 'source'] as const)
        : (['source', 'destination'] as const);
      expect(g.src).toBe(host(flow, left));
      expect(g.dst).toBe(host(flow, right));
      expect(g.srcId).toBe(fmtIdentity(flow[left].identity));
      expect(g.dstId).toBe(fmtIdentity(flow[right].identity));
      expect(g.summary).toBe(flow.Summary);
      const pv = flow.event_type.type === 5;
      expect(g.verdict).toBe(
        pv ? (flow.verdict === 'DROPPED' ? 'DENIED' : 'ALLOWED') : flow.verdict,
      );
      if (flow.trace_observation_point)
        expect(g.type).toBe(flow.trace_observation_point.toLowerCase().replace('_', '-'));
      if (pv) expect(g.type).toMatch(new RegExp(`^policy-verdict:\\S+ ${flow.traffic_direction}$`));
      if (flow.Type === 'L7') expect(g.type).toBe('http-request');
      // pkg/monitor/api/drop.go's text for the code in sub_type.
      if (flow.event_type.type === 1)
        expect(g.type).toBe(DROP_REASONS.find((r) => r.code === flow.drop_reason)!.text);
    }
  });

  it('without --print-node-name there is no node', () => {
    const line = compactLine(events[0]!.flow);
    expect(LINE.exec(line)!.groups!.node).toBeUndefined();
  });

  it('identities: reserved by name, others by number (printer.go fmtIdentity)', () => {
    expect(fmtIdentity(2)).toBe(`(${RESERVED_IDENTITY_NAMES[2]})`);
    expect(fmtIdentity(6)).toBe('(remote-node)');
    expect(fmtIdentity(256)).toBe('(ID:256)');
    expect(fmtIdentity(0)).toBe('(ID:0)');
  });

  it('ICMP summaries name type and code as gopacket does', () => {
    expect(icmpv4TypeCode(8, 0)).toBe('EchoRequest');
    expect(icmpv4TypeCode(0, 0)).toBe('EchoReply');
    expect(icmpv4TypeCode(3, 4)).toBe('DestinationUnreachable(FragmentationNeeded)');
    expect(icmpv4TypeCode(3, 0)).toBe('DestinationUnreachable(Net)');
    expect(icmpv4TypeCode(8, 1)).toBe('EchoRequest(Code: 1)');
    expect(icmpv4TypeCode(11, 9)).toBe('TimeExceeded(Code: 9)');
    expect(icmpv4TypeCode(42, 1)).toBe('42(1)');
    const icmp = events.find((e) => e.flow.l4 && 'ICMPv4' in e.flow.l4)!;
    expect(icmp.flow.Summary).toBe('ICMPv4 EchoRequest');
  });

  it('time.StampMilli pads the day with a space', () => {
    expect(stampMilli('2026-12-03T09:00:00.000001Z')).toBe('Dec  3 09:00:00.000');
    expect(stampMilli('2026-01-21T23:59:59.5Z')).toBe('Jan 21 23:59:59.500');
  });
});

describe('json', () => {
  it('is a GetFlowsResponse whose flow keeps flow.proto’s names and order', () => {
    // Declaration order, not field numbers: trace_reason (36) is declared before
    // drop_reason_desc (25), Summary (100000) before the policy lists (21001+).
    const at = (k: string) => FLOW_ORDER.indexOf(k as (typeof FLOW_ORDER)[number]);
    expect(at('trace_reason')).toBeLessThan(at('drop_reason_desc'));
    expect(at('time')).toBe(0);
    expect(at('Summary')).toBe(FLOW_ORDER.length - 1);
    for (const { flow } of events) {
      const parsed = JSON.parse(jsonLine(flow)) as {
        flow: HubbleFlow;
        node_name: string;
        time: string;
      };
      expect(Object.keys(parsed)).toEqual(['flow', 'node_name', 'time']);
      expect(parsed.flow).toEqual(flow);
      expect(parsed.node_name).toBe(flow.node_name);
      expect(parsed.time).toBe(flow.time);
      const keys = Object.keys(parsed.flow);
      expect(keys).toEqual(FLOW_ORDER.filter((k) => keys.includes(k)));
      expect(Object.keys(orderedFlow(flow))).toEqual(keys);
      // protojson leaves zero values out.
      expect(JSON.stringify(parsed)).not.toMatch(
        /"sub_type":0|"policy_match_type":0|"drop_reason":0/,
      );
    }
  });
});
