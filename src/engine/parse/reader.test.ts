import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random';
import { editDistance, nearestField, valueAt } from './reader';

/** The reading valueAt replaces: split by the pattern, then walk. */
function byPattern(root: unknown, path: string): unknown {
  let v = root;
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) v = Array.isArray(v) ? v[Number(m[2])] : undefined;
    else
      v =
        typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as never)[m[1]!] : undefined;
    if (v === undefined) return undefined;
  }
  return v;
}

describe('valueAt', () => {
  const root = {
    spec: { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }, null], '12x': 'k' },
    metadata: { labels: { 'app.kubernetes.io/name': 'web', app: 'x' } },
    a: { b: [[1, 2], [3]] },
    '': 'empty',
  };
  const paths = [
    '',
    'spec',
    'spec.ingress[0].from[0].ipBlock.cidr',
    'spec.ingress[1]',
    'spec.ingress[2].from',
    'spec.ingress[x]',
    'spec[12x]',
    'spec.12x',
    'spec.ingress.[0]',
    'spec..ingress[0]',
    'spec.ingress[0]]',
    'spec.ingress[007].from',
    'metadata.labels.app',
    'metadata.labels.app.kubernetes.io/name',
    'a.b[0][1]',
    'a.b[1][0]',
    'a.b[0][5]',
    '[0]',
    'a[',
    'a.b[',
    'a.b[0',
    ']a',
    'kind',
  ];
  it('reads every path as the pattern split does', () => {
    for (const p of paths) expect({ p, v: valueAt(root, p) }).toEqual({ p, v: byPattern(root, p) });
    expect(valueAt(root, 'a.b[1][0]')).toBe(3);
    expect(valueAt(root, 'spec.ingress[0].from[0].ipBlock.cidr')).toBe('10.0.0.0/8');
  });
});

/** The table as first written: a full matrix of arrays (the reader keeps three rows). */
function tableDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Every allowed field measured, the nearest kept when within its limit (no pruning). */
function nearestByTable(key: string, allowed: readonly string[]): string | undefined {
  if (key.length > 100) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of allowed) {
    const d =
      c.toLowerCase() === key.toLowerCase()
        ? 0.5
        : tableDistance(key.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  const limit = Math.max(1, Math.floor(Math.min(key.length, best?.length ?? 0) / 3));
  return bestDistance <= limit ? best : undefined;
}

describe('the nearest field to an unknown key', () => {
  it('is what measuring every field with the full table finds, on random keys', () => {
    const rand = mulberry32(7);
    const word = (max: number) =>
      Array.from(
        { length: Math.floor(rand() * max) },
        () => 'abcAB-.'[Math.floor(rand() * 7)],
      ).join('');
    const fields = ['ingress', 'egress', 'podSelector', 'policyTypes', 'from', 'to', 'ports'];
    for (let n = 0; n < 3000; n++) {
      const a = word(12);
      const b = word(12);
      expect(editDistance(a, b), `${a} ${b}`).toBe(tableDistance(a, b));
      const allowed = [...fields.slice(0, 1 + (n % fields.length)), word(9), b];
      for (const key of [a, allowed[n % allowed.length]!.replace(/^./, 'X'), 'ingres', 'Egress']) {
        expect(nearestField(key, allowed), `${key} in ${allowed.join(',')}`).toBe(
          nearestByTable(key, allowed),
        );
      }
    }
    expect(nearestField('fromEndpoint', ['fromEndpoints', 'fromCIDR'])).toBe('fromEndpoints');
    expect(nearestField('zzzzzz', ['ingress', 'egress'])).toBeUndefined();
  });
});
