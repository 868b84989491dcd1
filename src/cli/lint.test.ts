import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './testing';

const SEED = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');
/** The seed with two mistakes appended (the e2e test pastes the same). */
const MISTAKES = `${SEED}---\n${readFileSync('e2e/fixtures/lint-mistakes.yaml', 'utf8')}`;
const lineOf = (text: string) => MISTAKES.split('\n').indexOf(text) + 1;
const OR_LINE = lineOf('        - podSelector: {matchLabels: {app: frontend}}');
const EMPTY_LINE = lineOf('  ingress: [{}]');

describe('cli lint', () => {
  it('prints file:line:column: warning for each mistake, with its lesson step, and exits 0', () => {
    const r = runCli(['lint', 'm.yaml'], { 'm.yaml': MISTAKES });
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^m\\.yaml:${OR_LINE}:11: warning: NetworkPolicy shop/from-team-a: spec\\.ingress\\[0\\]\\.from\\[1\\]: from\\[0\\] \\(namespaceSelector\\) and from\\[1\\] \\(podSelector\\) are two peers, ORed.*podSelector\\)$`,
      ),
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^m\\.yaml:${EMPTY_LINE}:13: warning: CiliumNetworkPolicy shop/api-closed: spec\\.ingress\\[0\\]: an empty ingress rule \\{\\}.*\\(see Lesson 7: Selected means default deny: #/lessons/07-policy-in-ebpf/10\\)$`,
      ),
    );
  });

  it('prints nothing for the seed scenario, and the warnings as JSON with --json', () => {
    const clean = runCli(['lint', 'lessons/scenarios/seed-policies.yaml']);
    expect(clean).toMatchObject({ code: 0, out: '' });
    const json = runCli(['lint', 'm.yaml', '--json'], { 'm.yaml': MISTAKES });
    const { warnings } = JSON.parse(json.out) as {
      warnings: { lint: string; severity: string; pos: { line: number } }[];
    };
    expect(warnings.map((w) => [w.lint, w.severity, w.pos.line])).toEqual([
      ['peers-or', 'warning', OR_LINE],
      ['cilium-empty-rule', 'warning', EMPTY_LINE],
    ]);
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
