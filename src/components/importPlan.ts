/**
 * Importing manifest files (issue 18), the pure part: which files are taken and why others are
 * refused, the scenario text they make (engine/parse/multiFile.ts joins them with a marker line
 * per file, so diagnostics name each file and its own line), and what the notice says.
 */
import type { Diagnostic } from '../engine/model';
import { joinScenarioFiles, uniqueNames } from '../engine/parse/multiFile';
import { MAX_YAML_BYTES } from '../engine/parse/limits';
import { IMPORT_EXTENSIONS } from './importAccept';

/** A file as read from the browser: its name, size and bytes. */
export interface ReadFile {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** The file's size when it was too large to read. */
  readonly size?: number;
  /** Why the browser could not read it. */
  readonly error?: string;
}

export interface ImportPlan {
  readonly files: readonly { name: string; text: string }[];
  readonly refused: readonly { name: string; why: string }[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Why a file cannot be imported, or null: the extension, the YAML reader's size limit, binary. */
export function refusal(file: ReadFile): string | null {
  const lower = file.name.toLowerCase();
  if (!IMPORT_EXTENSIONS.some((e) => lower.endsWith(e)))
    return `not a manifest file: PacketWalk imports ${IMPORT_EXTENSIONS.join(', ')} files`;
  if (file.error !== undefined) return `it could not be read (${file.error})`;
  const size = file.size ?? file.bytes.length;
  if (size > MAX_YAML_BYTES)
    return `${formatBytes(size)} is over the ${formatBytes(MAX_YAML_BYTES)} a scenario may hold`;
  if (file.bytes.includes(0)) return 'it is binary (it holds NUL bytes), not YAML or JSON text';
  try {
    utf8.decode(file.bytes);
  } catch {
    return 'it is not UTF-8 text';
  }
  return null;
}

/** The files to take (text decoded, a byte-order mark dropped, names made unique) and the refused. */
export function planImport(read: readonly ReadFile[]): ImportPlan {
  const files: { name: string; text: string }[] = [];
  const refused: { name: string; why: string }[] = [];
  for (const f of read) {
    const why = refusal(f);
    if (why) refused.push({ name: f.name, why });
    else files.push({ name: f.name, text: utf8.decode(f.bytes).replace(/^\uFEFF/, '') });
  }
  const total = files.reduce((n, f) => n + f.text.length, 0);
  if (total > MAX_YAML_BYTES) {
    return {
      files: [],
      refused: [
        ...refused,
        ...files.map((f) => ({
          name: f.name,
          why: `together the files are ${formatBytes(total)}, over the ${formatBytes(MAX_YAML_BYTES)} a scenario may hold`,
        })),
      ],
    };
  }
  return { files: uniqueNames(files), refused };
}

/** The scenario text of the files taken; null when none was. */
export const importedText = (plan: ImportPlan): string | null =>
  plan.files.length === 0 ? null : joinScenarioFiles(plan.files);

const plural = (n: number, noun: string, many = `${noun}s`) => `${n} ${n === 1 ? noun : many}`;

/** "Refused x.png: it is binary…" for each refused file, one sentence each. */
export function refusedText(plan: ImportPlan): string {
  return plan.refused.map((r) => `Refused ${r.name}: ${r.why}.`).join(' ');
}

/**
 * What the notice says once the engine read the import: the files, what loaded (or that errors
 * keep the last valid scenario), the warnings, and the refused files.
 */
export function importSummary(
  plan: ImportPlan,
  diagnostics: readonly Diagnostic[],
  loaded: { pods: number; policies: number; nodes: number } | null,
): string {
  const names = plan.files.map((f) => f.name).join(', ');
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const head = `Imported ${plural(plan.files.length, 'file')} (${names})`;
  const body =
    errors > 0 || !loaded
      ? `: ${plural(errors, 'error')} and ${plural(warnings, 'warning')} in the Policies panel; the last valid scenario keeps running.`
      : `: ${plural(loaded.pods, 'pod')}, ${plural(loaded.nodes, 'node')}, ${plural(loaded.policies, 'policy', 'policies')}; ${plural(warnings, 'warning')} in the Policies panel.`;
  const refused = refusedText(plan);
  return `${head}${body}${refused ? ` ${refused}` : ''}`;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024)
    return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} bytes`;
}
