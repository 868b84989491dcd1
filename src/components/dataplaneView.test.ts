import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { engineFor } from '../test/scenarios';
import { DumpBuilder } from '../engine/dumpLines';
import {
  documentLines,
  policyAtLine,
  policyPosition,
  searchLines,
  splitMatches,
  lineWords,
  treeItems,
} from './dataplaneView';

const lines = new DumpBuilder()
  .text('# header')
  .text('*filter')
  .open('filter/FORWARD', 'FORWARD (2 rules)', false)
  .row('filter/FORWARD/1', '-A FORWARD -j cali-FORWARD')
  .row('filter/FORWARD/2', '-A FORWARD -m mark --mark 0x10000/0x10000 -j ACCEPT')
  .open('filter/cali-FORWARD', 'cali-FORWARD (1 rule)', false)
  .row('filter/cali-FORWARD/1', '-A cali-FORWARD -i cali+ -j cali-from-wl-dispatch')
  .text('COMMIT').lines;

describe('the Dataplane panel’s tree', () => {
  it('puts sections and loose lines at level 1 and a section’s lines at level 2, counted per set', () => {
    const items = treeItems(lines, new Set());
    expect(
      items.map((i) => [lines[i.line]!.text.slice(0, 12), i.level, i.posinset, i.setsize]),
    ).toEqual([
      ['# header', 1, 1, 5],
      ['*filter', 1, 2, 5],
      ['FORWARD (2 r', 1, 3, 5],
      ['-A FORWARD -', 2, 1, 2],
      ['-A FORWARD -', 2, 2, 2],
      ['cali-FORWARD', 1, 4, 5],
      ['-A cali-FORW', 2, 1, 1],
      ['COMMIT', 1, 5, 5],
    ]);
    expect(items.filter((i) => i.expanded !== undefined).map((i) => i.expanded)).toEqual([
      true,
      true,
    ]);
  });

  it('hides a collapsed section’s lines but keeps its title, marked collapsed', () => {
    const items = treeItems(lines, new Set(['filter/FORWARD']));
    expect(items.map((i) => lines[i.line]!.text)).toEqual([
      '# header',
      '*filter',
      'FORWARD (2 rules)',
      'cali-FORWARD (1 rule)',
      '-A cali-FORWARD -i cali+ -j cali-from-wl-dispatch',
      'COMMIT',
    ]);
    expect(items.find((i) => lines[i.line]!.id === 'filter/FORWARD')?.expanded).toBe(false);
  });
});

describe('the Dataplane panel’s search', () => {
  it('finds every line containing the words, ignoring case, titles included', () => {
    expect(searchLines(lines, 'CALI-forward')).toEqual([3, 5, 6]);
    expect(searchLines(lines, '   ')).toEqual([]);
    expect(searchLines(lines, 'nothing like this')).toEqual([]);
  });

  it('cuts a line around each match, keeping the line’s own case', () => {
    expect(splitMatches('-A cali-FORWARD -j cali-forward', 'Cali-Forward')).toEqual([
      '-A ',
      'cali-FORWARD',
      ' -j ',
      'cali-forward',
      '',
    ]);
    expect(splitMatches('no match here', 'zzz')).toEqual(['no match here']);
    expect(splitMatches('x', '')).toEqual(['x']);
  });

  it('shows a line as its words, each cut around the matches, joined again the line', () => {
    const shown = (text: string, query: string) =>
      lineWords(text, query).map((w) =>
        w.parts.map((p) => (p.match ? `[${p.text}]` : p.text)).join(''),
      );
    expect(shown('-A cali-FORWARD -i cali+  -j X', 'cali')).toEqual([
      '-A',
      ' ',
      '[cali]-FORWARD',
      ' ',
      '-i',
      ' ',
      '[cali]+',
      '  ',
      '-j',
      ' ',
      'X',
    ]);
    // A match over two words marks both, and the space between them.
    expect(shown('-A cali-FORWARD -i cali+', 'forward -i')).toEqual([
      '-A',
      ' ',
      'cali-[FORWARD]',
      '[ ]',
      '[-i]',
      ' ',
      'cali+',
    ]);
    for (const text of ['', '  x  ', 'Allow    Ingress   k8s:app=frontend   8080/TCP']) {
      const words = lineWords(text, 'a');
      expect(words.flatMap((w) => w.parts.map((p) => p.text)).join('')).toBe(text);
      expect(words.map((w) => w.space)).toEqual(
        words.map((w) => /^\s+$/.test(w.parts.map((p) => p.text).join(''))),
      );
    }
  });
});

describe('the policy at the editor’s cursor', () => {
  const text = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');
  const cluster = engineFor('seed-policies.yaml').cluster;
  const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('is the policy of the YAML document the line is in, as formatRef names it', () => {
    expect(policyAtLine(cluster, text, lineOf('name: allow-frontend'))).toBe(
      'NetworkPolicy shop/allow-frontend',
    );
    // a line deep in the same document (its ingress rule)
    expect(policyAtLine(cluster, text, lineOf('name: allow-frontend') + 10)).toBe(
      'NetworkPolicy shop/allow-frontend',
    );
    expect(policyAtLine(cluster, text, lineOf('name: api-l7-policy'))).toBe(
      'CiliumNetworkPolicy shop/api-l7-policy',
    );
  });

  it('is none in a document that is no policy, or past the text', () => {
    expect(policyAtLine(cluster, text, lineOf('kind: Service'))).toBeNull();
    expect(policyAtLine(cluster, text, 1)).toBeNull();
    expect(policyAtLine(cluster, text, 100_000)).toBeNull();
    expect(policyAtLine(null, text, 1)).toBeNull();
  });

  it('points back at where the engine read the policy', () => {
    const pos = policyPosition(cluster, 'NetworkPolicy shop/allow-frontend')!;
    expect(text.split('\n')[pos.line - 1]).toMatch(/^apiVersion:/);
    expect(policyAtLine(cluster, text, pos.line)).toBe('NetworkPolicy shop/allow-frontend');
    expect(policyPosition(cluster, 'NetworkPolicy shop/nope')).toBeNull();
  });
});

describe('the document a line is in', () => {
  /** What policyAtLine did before documentLines: every line split off, a document number each. */
  function byLines(text: string, line: number): { first: number; last: number } | null {
    const docOf: number[] = [];
    let doc = 0;
    for (const l of text.split(/\r\n?|\n/)) {
      docOf.push(doc);
      if (/^---/.test(l)) doc++;
    }
    const at = docOf[line - 1];
    if (at === undefined) return null;
    return { first: docOf.indexOf(at) + 1, last: docOf.lastIndexOf(at) + 1 };
  }

  it('agrees with splitting the text into lines, for every line of every YAML file and snippet', () => {
    const files = ['lessons/scenarios/seed-policies.yaml', 'lessons/scenarios/multi-rack.yaml'];
    const snippets = [
      '',
      '---',
      '---\n',
      'a: 1\n---\nb: 2',
      'a: 1\r\n--- !!map\r\nb: 2\r\n',
      'a: 1\r---\rb\r\r---x\n\n',
      '# c\n---\n---\n---\nz: 1\n...\n',
      ' ---\nnot: a separator\n',
    ];
    for (const text of [...files.map((f) => readFileSync(f, 'utf8')), ...snippets]) {
      const count = text.split(/\r\n?|\n/).length;
      for (let line = 0; line <= count + 1; line++)
        expect(
          documentLines(text, line),
          `${JSON.stringify(text.slice(0, 20))} line ${line}`,
        ).toEqual(byLines(text, line));
    }
  });
});
