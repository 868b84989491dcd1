/**
 * Reads `lessons/seed-claims.yaml` and checks it: Node only (the CLI and tests); the app bundles it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSeedClaims, type SeedClaimContext, type SeedClaims } from './seedClaims';
import type { Lesson, LessonProblem } from './types';

export const SEED_CLAIMS_FILE = 'seed-claims.yaml';

export function checkSeedClaimsFile(
  root: string,
  lessons: readonly Lesson[],
  walkLinkProblems: SeedClaimContext['walkLinkProblems'],
): { claims: SeedClaims | null; problems: LessonProblem[] } {
  const file = join(root, SEED_CLAIMS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { claims: null, problems: [{ file, line: 1, column: 1, message: 'missing file' }] };
  }
  return parseSeedClaims(text, file, {
    lessons: lessons.map((l) => ({ id: l.id, steps: l.steps.length })),
    walkLinkProblems,
  });
}
