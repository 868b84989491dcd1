import { describe, expect, it } from 'vitest';
import { loadManifests } from './load';
import {
  hasFileMarkers,
  joinedPosition,
  joinScenarioFiles,
  splitScenarioText,
  uniqueNames,
} from './multiFile';

const pod = (name: string, extra = '') =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: c${extra}\n`;

describe('joinScenarioFiles / splitScenarioText', () => {
  const files = [
    { name: 'ns.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n' },
    // no trailing newline, and a document separator inside
    { name: 'pods.yaml', text: `${pod('a')}---\n${pod('b').trimEnd()}` },
    { name: 'list.json', text: '{"apiVersion": "v1", "kind": "List", "items": []}\n' },
  ];

  it('round-trips the files, each text as it was (a final newline added)', () => {
    const joined = joinScenarioFiles(files);
    expect(hasFileMarkers(joined)).toBe(true);
    const parts = splitScenarioText(joined, 'scenario.yaml');
    expect(parts.map((p) => p.name)).toEqual(['ns.yaml', 'pods.yaml', 'list.json']);
    expect(parts.map((p) => p.text)).toEqual([
      files[0]!.text,
      `${files[1]!.text}\n`,
      files[2]!.text,
    ]);
  });

  it("counts each file's lines from its marker, so a line of the file is that line of the text", () => {
    const joined = joinScenarioFiles(files);
    const lines = joined.split('\n');
    for (const part of splitScenarioText(joined, 'scenario.yaml')) {
      part.text.split('\n').forEach((l, i) => {
        if (l !== '') expect(lines[part.firstLine - 1 + i]).toBe(l);
      });
    }
  });

  it('loads a joined text with diagnostics naming the file and its own line', () => {
    const bad = {
      name: 'bad.yaml',
      text: `${pod('c')}---\n${pod('d', '\n      ports:\n        - containerPort: 99999')}`,
    };
    const joined = joinScenarioFiles([files[1]!, bad]);
    const parts = splitScenarioText(joined, 'scenario.yaml');
    const { diagnostics } = loadManifests(parts);
    const error = diagnostics.find((d) => d.severity === 'error')!;
    // containerPort is on line 17 of bad.yaml: 7 lines of pod c, `---`, then pod d's 9th line
    expect(error.pos).toMatchObject({ file: 'bad.yaml', line: 17 });
    expect(error.message).toMatch(/99999/);
    const at = joinedPosition(parts, error.pos);
    expect(joined.split('\n')[at.line - 1]).toContain('containerPort: 99999');
    expect(joined.split('\n')[at.line - 1]!.indexOf('containerPort') + 1).toBe(at.column);
  });

  it('keeps the documents of adjacent files apart', () => {
    // The first file ends inside a mapping; without the separator the next would extend it.
    const joined = joinScenarioFiles([
      { name: 'a.yaml', text: pod('a') },
      { name: 'b.yaml', text: pod('b') },
    ]);
    const one = loadManifests([{ name: 'joined.yaml', text: joined }]);
    expect(one.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(one.cluster.pods.map((p) => p.name)).toEqual(['a', 'b']);
  });

  it('reads a text without markers as one file, and text before the first marker as the scenario', () => {
    expect(splitScenarioText('a: 1\n', 's.yaml')).toEqual([
      { name: 's.yaml', text: 'a: 1\n', firstLine: 1 },
    ]);
    const parts = splitScenarioText('# notes\nx: 1\n# --- file: b.yaml ---\ny: 2\n', 's.yaml');
    expect(parts).toEqual([
      { name: 's.yaml', text: '# notes\nx: 1\n', firstLine: 1 },
      { name: 'b.yaml', text: 'y: 2\n', firstLine: 4 },
    ]);
    // A comment that only looks alike is no marker.
    expect(hasFileMarkers('#  --- file: b.yaml ---\n')).toBe(false);
  });

  it('numbers repeated names and flattens names a marker cannot hold', () => {
    expect(
      uniqueNames([
        { name: 'a.yaml', text: '' },
        { name: 'a.yaml', text: '' },
        { name: 'x\ny ---', text: '' },
        { name: '', text: '' },
      ]).map((f) => f.name),
    ).toEqual(['a.yaml', 'a (2).yaml', 'x y', 'untitled.yaml']);
  });
});
