/**
 * `cli lint FILE.yaml [--json]`: the classic policy mistakes (engine/lint.ts), one
 * `file:line:column: warning: …` line each, with the lesson step that teaches it. Exit 0 with or
 * without warnings; 2 when the file does not load (its errors, as every command prints them).
 */
import { lintManifests } from '../engine/lint';
import { formatDiagnostic } from '../engine/model';
import { loadManifests } from '../engine/parse/load';
import { splitScenarioText } from '../engine/parse/multiFile';
import { CliError, parseArgs, type Io } from './io';

export const LINT_USAGE = 'usage: cli lint FILE.yaml [--json]';

export function runLint(args: readonly string[], io: Io): number {
  const { positional, flags } = parseArgs(args, { flags: ['json'], options: [] });
  if (positional.length !== 1) throw new CliError([LINT_USAGE]);
  const path = positional[0]!;
  // A text joined from several files (the app's import) lints as those files.
  const files = splitScenarioText(io.readFile(path), path);
  const { cluster, diagnostics } = loadManifests(files);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new CliError(errors.map(formatDiagnostic));
  const warnings = lintManifests(files, cluster);
  if (flags.has('json')) {
    io.out(JSON.stringify({ warnings }));
    return 0;
  }
  for (const w of warnings) {
    io.out(`${formatDiagnostic(w)}${w.lesson ? ` (see ${w.lesson.title}: ${w.lesson.href})` : ''}`);
  }
  return 0;
}
