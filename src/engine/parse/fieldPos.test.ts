/**
 * Field positions found when first read (fieldPos.ts): they say what the full reader (the `yaml`
 * package's tree with every position) says, they are not found until read, and deep equality of
 * two of them means the same place.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { dequal } from 'dequal';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateCluster } from '../generate';
import type { Cluster, SourcePos } from '../model';
import { FieldPos, plainPos } from './fieldPos';
import { loadManifests } from './load';
import { fastPath } from './testingFastPath';
import { parseYamlFile } from './yaml';

vi.mock('./fastYaml', async (original) =>
  (await import('./testingFastPath')).switchable(await original()),
);

afterEach(() => {
  fastPath.on = true;
});

const SCENARIOS = 'lessons/scenarios';
const files = [
  ...['seed-policies.yaml', 'multi-rack.yaml', 'two-node-basic.yaml'].map((name) => ({
    name,
    text: readFileSync(join(SCENARIOS, name), 'utf8'),
  })),
  {
    name: 'gen.yaml',
    text: generateCluster({
      pods: 30,
      nodes: 3,
      namespaces: 3,
      policies: 60,
      mix: { k8s: 40, cilium: 30, calico: 30 },
      seed: 5,
    }),
  },
];

/** Every FieldPos in a value, with its path. */
function fieldPositions(value: unknown, path = '', out: [string, FieldPos][] = []) {
  if (value instanceof FieldPos) out.push([path, value]);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) fieldPositions(v, `${path}.${k}`, out);
  }
  return out;
}

/** The value at a dotted path written by `fieldPositions`. */
const at = (root: unknown, path: string): unknown =>
  path
    .split('.')
    .slice(1)
    .reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], root);

describe('field positions', () => {
  it.each(files.map((f) => [f.name, f] as const))(
    'in %s: each reads as the full reader places it',
    (_, file) => {
      const lazy = loadManifests([file]);
      const found = fieldPositions(lazy.cluster);
      // Rules and Calico selectors keep one each (the two lessons' clusters without policies none).
      const c = lazy.cluster;
      const policies = c.k8sPolicies.length + c.ciliumPolicies.length + c.calicoPolicies.length;
      expect(found.length > 5).toBe(policies > 0);
      fastPath.on = false;
      const full = loadManifests([file]);
      expect(fieldPositions(full.cluster)).toEqual([]);
      for (const [path, pos] of found) {
        const expected = at(full.cluster, path) as SourcePos;
        expect({ path, ...plainPos(pos) }).toEqual({ path, ...expected });
      }
      expect(lazy).toEqual(full);
    },
  );

  it('reads as { file, line, column }; its own fields stay the same once read', () => {
    const { cluster } = loadManifests([files[0]!]);
    const [, pos] = fieldPositions(cluster)[0]!;
    expect(Object.keys(pos)).toEqual(['file', 'at', 'path']);
    const { line, column } = pos;
    expect(line).toBeGreaterThan(1);
    expect(Object.keys(pos)).toEqual(['file', 'at', 'path']);
    expect(JSON.parse(JSON.stringify(pos))).toStrictEqual({ file: pos.file, line, column });
    expect(plainPos(pos)).toStrictEqual({ file: pos.file, line, column });
  });

  it("keeps the document's positions, not its values", async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // Made in a function of its own: nothing here holds the document.
    const made = () => {
      const { documents } = parseYamlFile(files[0]!.text, 'a.yaml');
      const doc = documents.find((d) => (d.value as { kind?: string }).kind === 'NetworkPolicy')!;
      return {
        pos: doc.fieldPos!('spec.ingress[0]'),
        expected: doc.posOf('spec.ingress[0]'),
        value: new WeakRef(doc.value as object),
      };
    };
    const { pos, expected, value } = made();
    // A weak reference holds its value until the task that made it ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(value.deref()).toBeUndefined();
    expect(plainPos(pos)).toEqual(expected);
  });

  describe('equal (dequal, as carryOver.ts compares) only at the same place', () => {
    const text = files[0]!.text;
    const rulesOf = (c: Cluster) => c.k8sPolicies.flatMap((p) => p.ingress ?? []);
    const load = (t: string) => loadManifests([{ name: 'a.yaml', text: t }]).cluster;
    const first = rulesOf(load(text))[0]!.pos;

    it('the same text: equal', () => {
      expect(dequal(rulesOf(load(text))[0]!.pos, first)).toBe(true);
    });

    it('the same text, one of the two read and the other not: equal', () => {
      const again = rulesOf(load(text))[0]!.pos;
      expect(again.line).toBe(first.line);
      expect(dequal(again, rulesOf(load(text))[0]!.pos)).toBe(true);
    });

    it('a comment split in two above it (same length, the lines below move): not equal', () => {
      const comment = text.indexOf('# ');
      expect(comment).toBeGreaterThanOrEqual(0);
      expect(comment).toBeLessThan(text.indexOf('kind: NetworkPolicy'));
      // `# The…` becomes `#\n#he…`: two characters for two, a line more.
      const split = `${text.slice(0, comment + 1)}\n#${text.slice(comment + 3)}`;
      expect(split.length).toBe(text.length);
      const moved = rulesOf(load(split))[0]!.pos;
      expect(moved.line).toBe(first.line + 1);
      expect(dequal(moved, first)).toBe(false);
    });

    it('another file: not equal', () => {
      const other = rulesOf(loadManifests([{ name: 'b.yaml', text }]).cluster)[0]!.pos;
      expect(dequal(other, first)).toBe(false);
    });
  });
});
