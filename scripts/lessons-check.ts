/**
 * `npm run lessons:check`: validates every lesson under lessons/ against the schema and replays every
 * step through the engine and the datapath. Prints one `file:line:column: message` per problem.
 */
import { checkLessons, readSharedScenarios } from '../src/lessons/load';
import { walkQueryProblems } from '../src/lessons/seedClaims';
import { checkSeedClaimsFile } from '../src/lessons/seedClaimsLoad';

const { lessons, problems } = checkLessons('lessons');
// The seed articles' fact-check (issue 14): its shape, and links that open a lesson step or a walk.
const scenarioIds = Object.keys(readSharedScenarios('lessons'));
const seed = checkSeedClaimsFile('lessons', lessons, (q) => walkQueryProblems(q, scenarioIds));
problems.push(...seed.problems);
for (const p of problems) console.error(`${p.file}:${p.line}:${p.column}: ${p.message}`);
const steps = lessons.reduce((n, l) => n + l.steps.length, 0);
console.log(
  `${lessons.length} lessons, ${steps} steps, ${seed.claims?.claims.length ?? 0} seed claims checked: ${problems.length === 0 ? 'all claims hold' : `${problems.length} problem(s)`}`,
);
process.exitCode = problems.length === 0 ? 0 : 1;
