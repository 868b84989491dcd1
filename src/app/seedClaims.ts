/**
 * The seed articles' fact check (lessons/seed-claims.yaml), loaded when the page first opens: the
 * file and its checker come in chunks of their own. It is read with the checker that
 * `npm run lessons:check` uses, against the bundled lessons and the app's own link decoder.
 */
import type { SeedClaims } from '../lessons/seedClaims';
import { decodeView } from '../store';
import { appLessons } from './lessonSource';
import { BUILT_IN_SCENARIOS } from './scenarios';

export const SEED_CLAIMS_PATH = 'lessons/seed-claims.yaml';

let loading: Promise<SeedClaims> | null = null;

/** The checked claims (once per page), or a rejection listing where the file is wrong. */
export function loadSeedClaims(): Promise<SeedClaims> {
  loading ??= Promise.all([
    import('../lessons/seedClaims'),
    import('../../lessons/seed-claims.yaml?raw'),
    appLessons.load(),
  ]).then(([{ parseSeedClaims }, { default: text }, LESSONS]) => {
    const known = BUILT_IN_SCENARIOS.map((s) => s.id);
    const r = parseSeedClaims(text, SEED_CLAIMS_PATH, {
      lessons: LESSONS.map((l) => ({ id: l.id, steps: l.steps.length })),
      walkLinkProblems: (query) => decodeView(query, known).problems,
    });
    if (!r.claims) {
      loading = null;
      const where = r.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`);
      const more = where.length > 3 ? ` (and ${where.length - 3} more)` : '';
      throw new Error(where.slice(0, 3).join('; ') + more);
    }
    return r.claims;
  });
  return loading;
}
