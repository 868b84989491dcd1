import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { iptablesSave } from '../engine/calico/iptablesSave';
import { dumpCiliumMaps } from '../engine/cilium/dump';
import { dumpText, type DumpLine } from '../engine/dumpLines';
import { defaultProbes } from '../engine/verdict';
import { calico, cilium, engineFor, SCENARIOS } from '../test/scenarios';
import { dataplaneDump, type DataplaneDump } from './dataplaneDump';
import { findTarget, hopTarget, rowTarget } from './dumpTargets';
import type { PacketSpec } from './packet';
import { walk } from './walk';

const FILES = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));

/** The printed lines from `from` to `to` (inclusive), as text. */
const printedBetween = (lines: readonly DumpLine[], from: number, to: number): string =>
  dumpText(lines.slice(from, to + 1));

/** Probes from every pod to a few others, so both verdicts and both node layouts show up. */
function packets(file: string): PacketSpec[] {
  const probes = defaultProbes(engineFor(file).cluster);
  const step = Math.max(1, Math.floor(probes.length / 12));
  return probes
    .filter((_, i) => i % step === 0)
    .flatMap((p) =>
      'pod' in p.from && 'pod' in p.to
        ? [{ from: p.from.pod, to: p.to.pod, port: p.port, protocol: p.protocol }]
        : [],
    );
}

function wellFormed(dump: DataplaneDump): void {
  const ids = dump.lines.map((l) => l.id);
  expect(new Set(ids).size, 'ids are unique').toBe(ids.length);
  const sections = new Set(dump.lines.filter((l) => l.kind === 'section').map((l) => l.id));
  for (const l of dump.lines) if (l.section !== '') expect(sections).toContain(l.section);
}

describe.each(FILES)('the Dataplane panel’s dump of %s', (file) => {
  const engine = engineFor(file);

  it('holds, for every Calico node, exactly what `cli iptables-save --node N --ipsets` prints', () => {
    for (const node of engine.cluster.nodes.map((n) => n.name)) {
      const dump = dataplaneDump(engine, calico(), node);
      expect(dump.node).toBe(node);
      wellFormed(dump);
      const cli = iptablesSave(engine.calico(), { node, ipsets: true });
      const commit = dump.lines.findIndex((l) => l.text === 'COMMIT');
      expect(printedBetween(dump.lines, 0, commit) + '\n').toBe(cli);
      // then kube-proxy's nat table, in its own *nat … COMMIT
      const nat = dump.lines.findIndex((l) => l.text === '*nat');
      expect(nat).toBeGreaterThan(commit);
      expect(dump.lines.at(-1)?.text).toBe('COMMIT');
      // every chain's rules sit under that chain's section, in order
      for (const l of dump.lines.filter((x) => x.kind === 'row' && x.id.startsWith('filter/')))
        expect(l.text.startsWith(`-A ${l.section.slice('filter/'.length)} `)).toBe(true);
    }
  });

  it('holds, for every Cilium endpoint, the sections `cli bpf-maps --endpoint` prints', () => {
    const dp = engine.cilium();
    for (const ep of dp.endpoints) {
      const dump = dataplaneDump(engine, cilium(), ep.node);
      wellFormed(dump);
      const sectionText = (id: string): string => {
        const start = dump.lines.findIndex((l) => l.id === id);
        expect(start, id).toBeGreaterThanOrEqual(0);
        let end = start;
        while (dump.lines[end + 1]?.section === id) end++;
        return printedBetween(dump.lines, start, end);
      };
      const header = dump.lines.slice(
        0,
        dump.lines.findIndex((l) => l.id === 'identity'),
      );
      const expected = [
        dumpText(header),
        sectionText('identity'),
        '',
        sectionText(`ipcache/${ep.node}`),
        '',
        sectionText(`policy/${ep.id}`),
      ].join('\n');
      expect(expected).toBe(dumpCiliumMaps(dp, { endpoint: ep.pod }));
    }
  });

  it('finds the row that decided each policy hop, as the trace names it', () => {
    let calicoFound = 0;
    let ciliumFound = 0;
    for (const packet of packets(file)) {
      for (const config of [calico(), cilium()]) {
        const result = walk(engine, config, packet);
        for (const hop of result.hops) {
          if (hop.stage !== 'egress-policy' && hop.stage !== 'ingress-policy') continue;
          const target = hopTarget(hop);
          if (!target) continue;
          const dump = dataplaneDump(engine, config, hop.node);
          const at = findTarget(dump, target);
          expect(at, `${hop.node} ${JSON.stringify(target)}`).toBeGreaterThanOrEqual(0);
          const line = dump.lines[at]!;
          const deciding = hop
            .rows!.filter((r) => r.state === 'matched' && rowTarget(r, hop))
            .at(-1)!;
          const e = deciding.event;
          if (e?.kind === 'rule') {
            // the very rule the walker tested, at its number in its chain
            expect(line.text).toBe(`-A ${e.chain} ${e.rule}`.trimEnd());
            expect(line.section).toBe(`filter/${e.chain}`);
            const inChain = dump.lines.filter(
              (l) => l.section === line.section && l.kind === 'row',
            );
            expect(inChain.indexOf(line) + 1).toBe(e.index);
            calicoFound++;
          } else if (e?.kind === 'lookup' && e.table === 'policy') {
            if (e.value) {
              // the entry found: Allow/Deny as the lookup's value says, its port key and prefix
              expect(line.kind).toBe('row');
              expect(line.section).toBe(`policy/${e.endpoint}`);
              expect(line.text.startsWith(e.value.deny ? 'Deny' : 'Allow')).toBe(true);
              expect(line.text.trimEnd().endsWith(String(e.value.prefixLen))).toBe(true);
            } else {
              // a miss points at the map itself: no entry allows the packet
              expect(line.kind).toBe('section');
              expect(line.text).toContain(`cilium bpf policy get ${e.endpoint}`);
            }
            ciliumFound++;
          }
        }
      }
    }
    expect(calicoFound).toBeGreaterThan(0);
    expect(ciliumFound).toBeGreaterThan(0);
  });
});

describe('kube-proxy’s nat rows in the Calico dump', () => {
  it('contain the Service rules a walk to a Service matched, found by their text', () => {
    const engine = engineFor('seed-policies.yaml');
    const svc = engine.cluster.services.find((s) => s.clusterIP !== 'None')!;
    const from = engine.cluster.pods.find((p) => p.namespace === svc.namespace)!;
    const packet: PacketSpec = {
      from: `${from.namespace}/${from.name}`,
      to: `svc:${svc.namespace}/${svc.name}`,
      port: svc.ports[0]!.port,
      protocol: svc.ports[0]!.protocol,
    };
    const result = walk(engine, calico(), packet);
    const lb = result.hops.filter(
      (h) => h.stage === 'service-lb' || /KUBE-SERVICES/.test(h.table ?? ''),
    );
    expect(lb.length).toBeGreaterThan(0);
    for (const hop of lb) {
      const target = hopTarget(hop);
      if (!target) continue;
      const dump = dataplaneDump(engine, calico(), hop.node);
      const at = findTarget(dump, target);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(dump.lines[at]!.section.startsWith('nat/KUBE-')).toBe(true);
    }
  });
});

describe('the walked flow’s conntrack entries in the Cilium dump', () => {
  const engine = engineFor('seed-policies.yaml');
  const ctRows = (node: string, packet: PacketSpec) =>
    dataplaneDump(engine, cilium(), node, packet).lines.filter(
      (l) => l.section === 'ct' && l.kind === 'row',
    );
  const identity = (pod: string) => engine.cilium().index.endpointByPod.get(pod)!.identity;
  /** Walks `from` to shop/backend on TCP 8080 under Cilium, expecting `verdict`. */
  const walkTo = (from: string, verdict: 'delivered' | 'dropped') => {
    const packet: PacketSpec = { from, to: 'shop/backend', port: 8080, protocol: 'TCP' };
    const walked = walk(engine, cilium(), packet);
    expect(walked.verdict).toBe(verdict);
    return { packet, walked, egress: walked.hops.find((h) => h.stage === 'egress-policy')! };
  };

  it('has OUT on the client’s node and IN on the server’s when the connection is allowed', () => {
    const { packet, walked, egress } = walkTo('shop/frontend', 'delivered');
    const h = egress.headers.at(-1)!;
    const key = `${h.src}:${h.sport} -> ${h.dst}:${h.dport}`;
    const from = identity('shop/frontend');
    expect(ctRows(egress.node, packet).map((l) => l.text)).toEqual([
      `TCP OUT ${key} SourceSecurityID=${from}`,
    ]);
    const ingress = walked.hops.find((h) => h.stage === 'ingress-policy')!;
    expect(ingress.node).not.toBe(egress.node);
    expect(ctRows(ingress.node, packet).map((l) => l.text)).toEqual([
      `TCP IN ${key} SourceSecurityID=${from}`,
    ]);
  });

  it('has no IN entry where the server’s ingress policy dropped the packet', () => {
    const { packet, egress } = walkTo('shop/debug', 'dropped');
    expect(ctRows(egress.node, packet).map((l) => l.text.split(' ').slice(0, 2).join(' '))).toEqual(
      ['TCP OUT'],
    );
    const server = engine.cluster.pods.find((p) => p.name === 'backend')!.nodeName;
    expect(ctRows(server, packet)).toEqual([]);
  });
});
