/**
 * `npm run lessons:check`: validates every lesson under lessons/ against the schema and replays every
 * step through the engine and the datapath. Prints one `file:line:column: message` per problem.
 */
import { checkLessons } from '../src/lessons/load';

const { lessons, problems } = checkLessons('lessons');
for (const p of problems) console.error(`${p.file}:${p.line}:${p.column}: ${p.message}`);
const steps = lessons.reduce((n, l) => n + l.steps.length, 0);
console.log(
  `${lessons.length} lessons, ${steps} steps checked: ${problems.length === 0 ? 'all claims hold' : `${problems.length} problem(s)`}`,
);
process.exitCode = problems.length === 0 ? 0 : 1;
