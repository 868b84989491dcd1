import { describe, expect, it } from 'vitest';
import { valueAt } from './reader';

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
