/**
 * The panels registry is the one list of panels: a link and a lesson step may name exactly the
 * registry's panels, no more and no fewer.
 */
import { describe, expect, it } from 'vitest';
import { parseLesson } from '../lessons/parse';
import { PANEL_SPECS, PANELS, isPanelId } from '../registry/panels';
import { DEFAULT_VIEW, decodeView, encodeView } from '../store/viewState';

const LESSON_MD = `---
title: Panels
summary: A lesson that opens panels.
duration: 1
---
Prose.
`;

const stepsWithPanels = (panels: readonly string[]) => `steps:
  - id: one
    title: One
    text: A step.
    view:
      scenario: two-node-basic
      panels: [${panels.join(', ')}]
`;

function lessonProblems(panels: readonly string[]): string[] {
  const { problems } = parseLesson({
    id: '99-panels',
    path: 'lessons/99-panels',
    files: { 'lesson.md': LESSON_MD, 'steps.yaml': stepsWithPanels(panels) },
  });
  // Only the panel problems: the one-step lesson breaks other rules (a lesson has 5 to 15 steps).
  return problems.map((p) => p.message).filter((m) => m.includes('panel'));
}

describe('panels registry', () => {
  it('has unique ids and labels', () => {
    expect(new Set(PANELS).size).toBe(PANEL_SPECS.length);
    expect(new Set(PANEL_SPECS.map((p) => p.label)).size).toBe(PANEL_SPECS.length);
  });

  it.each(PANELS)('a link with panels=%s opens that panel', (id) => {
    const decoded = decodeView(encodeView({ ...DEFAULT_VIEW, panels: [id] }), [
      DEFAULT_VIEW.scenarioId,
    ]);
    expect(decoded.problems).toEqual([]);
    expect(decoded.view.panels).toEqual([id]);
  });

  it('a link with every registry panel round-trips; one not in the registry is reported', () => {
    const all = { ...DEFAULT_VIEW, panels: PANELS };
    expect(decodeView(encodeView(all), [DEFAULT_VIEW.scenarioId]).view.panels).toEqual(PANELS);
    const bad = decodeView('panels=inspector,hubble', []);
    expect(bad.problems).toEqual(['unknown panel "hubble"']);
    expect(isPanelId('hubble')).toBe(false);
  });

  it('a lesson step accepts every registry panel and nothing else', () => {
    expect(lessonProblems(PANELS)).toEqual([]);
    const problems = lessonProblems(['inspector', 'hubble']);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('unknown panel "hubble"');
    for (const id of PANELS) expect(problems[0]).toContain(id);
  });
});
