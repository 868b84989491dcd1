/** A lesson step whose scenario is a generated cluster (issue 15). */
import { describe, expect, it } from 'vitest';
import { parseLesson } from './parse';

const md = '---\ntitle: T\nsummary: S\nduration: 10\n---\nProse.\n';

function parseWith(scenario: string) {
  const step = (i: number) =>
    `  - id: s${i}\n    title: S\n    text: t\n    view:\n      scenario: ${i === 0 ? scenario : 'two-node-basic'}\n`;
  return parseLesson({
    id: '01-x',
    path: 'lessons/01-x',
    files: { 'lesson.md': md, 'steps.yaml': `steps:\n${[0, 1, 2, 3, 4].map(step).join('')}` },
  });
}

describe('a generated scenario in a lesson step', () => {
  it('reads {generate: {…}} as the scenario id the app opens (gen:<token>)', () => {
    const { lesson, problems } = parseWith(
      '{generate: {pods: 200, nodes: 2, namespaces: 4, policies: 300, mix: {k8s: 40, cilium: 30, calico: 30}, seed: 5}}',
    );
    expect(problems).toEqual([]);
    expect(lesson?.steps[0]!.view.scenario).toBe(
      'gen:pods:200,nodes:2,ns:4,pol:300,mix:40-30-30,seed:5',
    );
  });

  it('takes the token form as written', () => {
    const { lesson, problems } = parseWith('gen:pods:200,nodes:2,ns:4,pol:300,mix:40-30-30,seed:5');
    expect(problems).toEqual([]);
    expect(lesson?.steps[0]!.view.scenario).toBe(
      'gen:pods:200,nodes:2,ns:4,pol:300,mix:40-30-30,seed:5',
    );
  });

  it('reports each bad option at its field, with its line', () => {
    const { problems } = parseWith(
      '{generate: {pods: 900, nodes: 2, namespaces: 4, policies: 300, mix: {k8s: 40, cilium: 30, calico: 40}, seed: 5, color: red}}',
    );
    expect(problems.map((p) => `${p.line}: ${p.message}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^6: steps\[0\]\.view\.scenario\.generate\.color: unknown field/),
        expect.stringMatching(
          /^6: steps\[0\]\.view\.scenario\.generate\.nodes: 900 pods do not fit on 2 nodes/,
        ),
        expect.stringMatching(/^6: steps\[0\]\.view\.scenario\.generate\.mix: .*add up to 100%/),
      ]),
    );
    const token = parseWith('gen:pods:200,nodes:2,ns:4,pol:300,mix:40-30-30');
    expect(token.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^steps\[0\]\.view\.scenario: .*seed is missing/),
    ]);
  });
});
