import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './testing';

const SEED = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');
const OR_MISTAKE = `${SEED}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: shop}
spec:
  podSelector: {matchLabels: {app: backend}}
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {team: a}}
        - podSelector: {matchLabels: {app: frontend}}
`;
const OR_LINE = SEED.split('\n').length + 9;

describe('cli lint', () => {
  it('prints file:line:column: warning for each mistake and exits 0', () => {
    const r = runCli(['lint', 'or.yaml'], { 'or.yaml': OR_MISTAKE });
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^or\\.yaml:${OR_LINE}:11: warning: NetworkPolicy shop/np: spec\\.ingress\\[0\\]\\.from\\[1\\]: from\\[0\\] \\(namespaceSelector\\) and from\\[1\\] \\(podSelector\\) are two peers, ORed`,
        ),
      ),
    ]);
  });

  it('prints nothing for the seed scenario, and the warnings as JSON with --json', () => {
    const clean = runCli(['lint', 'lessons/scenarios/seed-policies.yaml']);
    expect(clean).toMatchObject({ code: 0, out: '' });
    const json = runCli(['lint', 'or.yaml', '--json'], { 'or.yaml': OR_MISTAKE });
    const { warnings } = JSON.parse(json.out) as {
      warnings: { lint: string; severity: string; pos: { line: number } }[];
    };
    expect(warnings.map((w) => [w.lint, w.severity, w.pos.line])).toEqual([
      ['peers-or', 'warning', OR_LINE],
    ]);
  });

  it('shows the lesson link of a check a lesson teaches', () => {
    const r = runCli(['lint', 'c.yaml'], {
      'c.yaml': `${SEED}---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: c, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: backend}}
  ingress: [{}]
`,
    });
    expect(r.out).toMatch(
      /warning: .*empty ingress rule \{\}.*\(see Lesson 7: Selected means default deny: #\/lessons\/07-policy-in-ebpf\/10\)$/,
    );
  });

  it('exits 2 with the load errors, and on bad usage', () => {
    const bad = runCli(['lint', 'bad.yaml'], {
      'bad.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n',
    });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^bad\.yaml:\d+:\d+: error/m);
    expect(runCli(['lint']).code).toBe(2);
    expect(runCli(['lint', 'a.yaml', '--nope']).err).toMatch(/unknown option --nope/);
  });
});
