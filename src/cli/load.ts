/** Loading manifests for a command: problems become exit-2 messages, warnings go to stderr. */
import { loadManifests } from '../engine/parse/load';
import { splitScenarioText } from '../engine/parse/multiFile';
import { formatDiagnostic, type Cluster, type Diagnostic } from '../engine/model';
import { CliError, type Io } from './io';

export function loadCluster(
  path: string,
  io: Io,
  opts: { quietWarnings?: boolean } = {},
): { cluster: Cluster; warnings: Diagnostic[] } {
  const text = io.readFile(path);
  // A text joined from several files (the app's import) reports each file's own lines.
  const { cluster, diagnostics } = loadManifests(splitScenarioText(text, path));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new CliError(errors.map(formatDiagnostic));
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  if (!opts.quietWarnings) for (const w of warnings) io.err(formatDiagnostic(w));
  return { cluster, warnings };
}
