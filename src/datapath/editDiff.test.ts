import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataplaneDump } from './dataplaneDump';
import { DumpBuilder } from '../engine/dumpLines';
import { loadManifests } from '../engine/parse/load';
import { createEngine, defaultProbes, evaluateProbe, type Engine } from '../engine/verdict';
import { calico, cilium } from '../test/scenarios';
import {
  cellKey,
  changedCells,
  diffDump,
  editedSince,
  nextEditBase,
  type DumpChange,
} from './editDiff';

/** A small Calico-like dump: an IP set with members and one chain. */
function dump(members: string[], chains: Record<string, string[]>) {
  const b = new DumpBuilder();
  b.text('*filter', 'filter');
  b.open('ipset/cali40s:frontend', `cali40s:frontend (${members.length} members)`);
  for (const m of members) b.row(`ipset/cali40s:frontend/${m}`, `add cali40s:frontend ${m}`);
  for (const [name, rules] of Object.entries(chains)) {
    b.open(`filter/${name}`, `${name} (${rules.length} rules)`, false);
    rules.forEach((r, i) => b.row(`filter/${name}/${i + 1}`, r));
  }
  b.text('COMMIT', 'filter/COMMIT');
  return b.lines;
}

const brief = (c: readonly DumpChange[]) => c.map((x) => `${x.change} ${x.section}: ${x.text}`);

describe('diffDump', () => {
  const tw = ['-A cali-tw-a -m mark --mark 0x0/0x20000 -j cali-pi-p', '-A cali-tw-a -j DROP'];
  const base = dump(['10.0.0.1', '10.0.0.2'], { 'cali-tw-a': tw });

  it('finds nothing between a dump and itself', () => {
    expect(diffDump(base, base)).toEqual({ added: 0, removed: 0, changes: [] });
  });

  it('shows a changed rule as one removed and one added, in its section', () => {
    const after = dump(['10.0.0.1', '10.0.0.2'], {
      'cali-tw-a': [tw[0]!.replace('cali-pi-p', 'cali-pi-q'), tw[1]!],
    });
    const d = diffDump(base, after);
    expect([d.added, d.removed]).toEqual([1, 1]);
    expect(brief(d.changes)).toEqual([
      `removed cali-tw-a (2 rules): ${tw[0]}`,
      `added cali-tw-a (2 rules): ${tw[0]!.replace('cali-pi-p', 'cali-pi-q')}`,
    ]);
    // Each change points at its line: the removed one in the old dump, the added one in the new.
    expect(base[d.changes[0]!.line]!.text).toBe(tw[0]);
    expect(after[d.changes[1]!.line]!.text).toContain('cali-pi-q');
  });

  it('shows a new chain as its rows added, and a removed IP set member as one removed', () => {
    const after = dump(['10.0.0.2'], {
      'cali-tw-a': tw,
      'cali-pi-new': ['-A cali-pi-new -p tcp --dport 8080 -j MARK', '-A cali-pi-new -j RETURN'],
    });
    const d = diffDump(base, after);
    expect(brief(d.changes)).toEqual([
      'removed cali40s:frontend (2 members): add cali40s:frontend 10.0.0.1',
      'added cali-pi-new (2 rules): -A cali-pi-new -p tcp --dport 8080 -j MARK',
      'added cali-pi-new (2 rules): -A cali-pi-new -j RETURN',
    ]);
  });

  it('compares rows within their section: the same text moved to another section counts', () => {
    const a = dump([], { x: ['-j DROP'] });
    const b = dump([], { y: ['-j DROP'] });
    expect(brief(diffDump(a, b).changes)).toEqual([
      'removed x (1 rules): -j DROP',
      'added y (1 rules): -j DROP',
    ]);
  });

  it('counts a row printed twice and now once as one removed', () => {
    const d = diffDump(dump([], { x: ['-j A', '-j A'] }), dump([], { x: ['-j A'] }));
    expect([d.added, d.removed]).toEqual([0, 1]);
  });
});

/** The seed scenario, and the seed with allow-frontend's port changed from 8080 to 9090. */
const SEED = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');
const EDITED = SEED.replace(
  /(name: allow-frontend[\s\S]*?port: )8080/,
  (_, head: string) => `${head}9090`,
);
const engine = (text: string): Engine => {
  const { cluster, diagnostics } = loadManifests([{ name: 'seed.yaml', text }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return createEngine(cluster);
};
const matrix = (e: Engine) =>
  defaultProbes(e.cluster).flatMap((p) => {
    const r = evaluateProbe(e, p);
    return r.ok ? [r.verdict] : [];
  });

describe('an edit of the seed scenario (allow-frontend: port 8080 → 9090)', () => {
  const before = engine(SEED);
  const after = engine(EDITED);

  it('changes the rule in Calico’s dump of node-2 and the policy-map entries in Cilium’s', () => {
    expect(EDITED).not.toBe(SEED);
    const c = diffDump(
      dataplaneDump(before, calico(), 'node-2').lines,
      dataplaneDump(after, calico(), 'node-2').lines,
    );
    expect(c.changes.some((x) => x.change === 'removed' && /--dports 8080 /.test(x.text))).toBe(
      true,
    );
    expect(c.changes.some((x) => x.change === 'added' && /--dports 9090 /.test(x.text))).toBe(true);
    const k = diffDump(
      dataplaneDump(before, cilium(), 'node-2').lines,
      dataplaneDump(after, cilium(), 'node-2').lines,
    );
    expect(k.changes.some((x) => x.change === 'added' && /9090\/TCP/.test(x.text))).toBe(true);
    // Another node hosts no backend: nothing of the policy on it changes in Calico.
    const other = diffDump(
      dataplaneDump(before, calico(), 'node-1').lines,
      dataplaneDump(after, calico(), 'node-1').lines,
    );
    expect(other.changes.filter((x) => /9090|8080/.test(x.text))).toEqual([]);
  });

  it('marks frontend → backend on 8080 as once allowed, now denied, under both CNIs', () => {
    const was = matrix(before);
    const now = matrix(after);
    const key = cellKey({ from: 'shop/frontend', to: 'shop/backend', port: 8080, protocol: 'TCP' });
    for (const cni of ['calico', 'cilium'] as const) {
      const changed = changedCells(was, now, cni);
      expect(changed.get(key)).toBe('allowed');
      // Every change is real: the verdict differs between the two matrices.
      for (const [k, then] of changed) {
        const v = now.find(
          (x) =>
            cellKey({
              from: 'pod' in x.probe.from ? x.probe.from.pod : x.probe.from.ip,
              to: 'pod' in x.probe.to ? x.probe.to.pod : x.probe.to.ip,
              port: x.probe.port,
              protocol: x.probe.protocol,
            }) === k,
        )!;
        expect(v[cni].allowed).toBe(then === 'denied');
      }
      expect(changedCells(was, was, cni).size).toBe(0);
    }
  });
});

describe('nextEditBase', () => {
  const a = {};
  const b = {};
  it('keeps the base across edits of the same scenario, and resets on another scenario', () => {
    const first = nextEditBase(null, 'seed', a, 1);
    expect(first).toEqual({ key: 'seed', cluster: a, value: 1 });
    // An edit: the base stays, and there is a diff to show.
    const edited = nextEditBase(first, 'seed', b, 2);
    expect(edited).toBe(first);
    expect(editedSince(edited, 'seed', b)).toBe(true);
    // The same cluster asked again (another mode): the base follows it, no diff.
    expect(nextEditBase(first, 'seed', a, 3)).toEqual({ key: 'seed', cluster: a, value: 3 });
    expect(editedSince(first, 'seed', a)).toBe(false);
    // Another scenario: a new base.
    expect(nextEditBase(edited, 'other', b, 4)).toEqual({ key: 'other', cluster: b, value: 4 });
    expect(editedSince(edited, 'other', b)).toBe(false);
  });
});
