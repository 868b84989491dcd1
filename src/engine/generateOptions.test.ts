import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATE_OPTIONS, describeGenerated, generateProblems } from './generateOptions';

describe('the generator options as words', () => {
  it('writes counts with thousands separators, as en-US does', () => {
    const o = { ...DEFAULT_GENERATE_OPTIONS, pods: 1000, nodes: 1, policies: 1234567, seed: 42 };
    expect(describeGenerated(o)).toBe(
      `${(1000).toLocaleString('en-US')} pods on 1 node, ${(1234567).toLocaleString('en-US')} policies (seed 42)`,
    );
    expect(describeGenerated({ ...o, pods: 999, nodes: 12, policies: 100000 })).toBe(
      '999 pods on 12 nodes, 100,000 policies (seed 42)',
    );
  });

  it('names the limits of a field out of range with separators', () => {
    const [problem] = generateProblems({ ...DEFAULT_GENERATE_OPTIONS, pods: 0 });
    expect(problem?.field).toBe('pods');
    expect(problem?.message).toMatch(
      /^Pods must be a whole number from \d+ to \d{1,3}(,\d{3})+ \(got 0\)\.$/,
    );
  });
});
