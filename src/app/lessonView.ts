/**
 * A lesson step as a view of the visualizer, and lesson routes in the URL hash.
 */
import { DEFAULT_CALICO_CONFIG, DEFAULT_CILIUM_CONFIG } from '../datapath/config';
import type { Hop } from '../datapath/hop';
import { findHop } from '../lessons/hopAddress';
import { SEED_VERDICTS } from '../lessons/seedVerdicts';
import type { Lesson, LessonStep } from '../lessons/types';
import { DEFAULT_FLOWS_VIEW, DEFAULT_VIEW, type Route, type ViewState } from '../store';

export function lessonStepView(lesson: Lesson, index: number): ViewState {
  const step = lesson.steps[Math.max(0, Math.min(index, lesson.steps.length - 1))]!;
  const v = step.view;
  const own = v.scenario.startsWith('./');
  return {
    scenarioId: own ? `${lesson.id}/${v.scenario.slice(2)}` : v.scenario,
    scenarioText: own ? (lesson.scenarios[v.scenario] ?? '') : null,
    calico: { ...DEFAULT_CALICO_CONFIG, ...v.calico },
    cilium: { ...DEFAULT_CILIUM_CONFIG, ...v.cilium },
    packet: v.packet ?? null,
    step: typeof v.hop === 'number' ? v.hop : 0,
    layout: v.layout ?? 'compare',
    panels: v.panels ?? DEFAULT_VIEW.panels,
    matrixPort: null,
    flows: {
      ...DEFAULT_FLOWS_VIEW,
      ...v.flows,
      traffic: v.flows?.traffic ? (lesson.scenarios[v.flows.traffic] ?? null) : null,
    },
  };
}

/** The hop a step stops at in a walk: its index, or the first hop at its stage (and place). */
export function stepHopIndex(step: LessonStep, hops: readonly Hop[]): number {
  const target = step.view.hop;
  if (target === undefined) return 0;
  if (typeof target === 'number') return Math.min(target, Math.max(0, hops.length - 1));
  return Math.max(0, findHop(hops, target));
}

export function routeHash(route: Route): string | null {
  if (route.page === 'lessons') return '#/lessons';
  if (route.page === 'facts') return route.mark ? `#/facts?mark=${route.mark}` : '#/facts';
  if (route.page === 'lesson') {
    const base =
      route.mode === 'present' ? 'present' : route.mode === 'speaker' ? 'speaker' : 'lessons';
    return `#/${base}/${route.lessonId}/${route.step + 1}`;
  }
  return null;
}

/**
 * The page a link opens, for the first render: the controller opens the link once the saved edits
 * (and, for a lesson, the lessons) are read (App.tsx), and until then the visualizer showed instead
 * of the page's own "Loading" line. The lesson list and the fact check are named at once; a
 * lesson's link, which the lessons must check, is `opening` until then. Undefined for every other
 * link (the visualizer's own).
 */
export function routeBeforeStart(hash: string): Route | undefined {
  const route = parseLessonHash(hash, []);
  if (route?.page === 'facts') return route;
  if (route?.page !== 'lessons') return undefined;
  return /^#\/lessons\/?$/.test(hash) ? route : { page: 'opening' };
}

/**
 * `#/lessons`, `#/facts[?mark=<verdict>]` (the seed articles fact-checked), or `#/lessons|present|speaker/<id>/<n>`
 * (n 1-based); null for anything else (the visualizer).
 */
export function parseLessonHash(hash: string, lessons: readonly Lesson[]): Route | null {
  if (hash === '#/lessons' || hash === '#/lessons/') return { page: 'lessons' };
  const facts = /^#\/facts\/?(?:\?mark=([a-z]+))?$/.exec(hash);
  if (facts) {
    const mark = SEED_VERDICTS.find((v) => v === facts[1]);
    return mark ? { page: 'facts', mark } : { page: 'facts' };
  }
  const m = /^#\/(lessons|present|speaker)\/([^/]+)(?:\/(\d+))?$/.exec(hash);
  if (!m) return null;
  const lesson = lessons.find((l) => l.id === m[2]);
  if (!lesson) return { page: 'lessons' };
  const n = m[3] ? Number(m[3]) : 1;
  const step = Math.max(0, Math.min(n, lesson.steps.length) - 1);
  const mode = m[1] === 'present' ? 'present' : m[1] === 'speaker' ? 'speaker' : undefined;
  return { page: 'lesson', lessonId: lesson.id, step, ...(mode ? { mode } : {}) };
}
