/**
 * Helpers for the loader's tests: inline YAML without its source indentation, and quick access to
 * the diagnostics of one load.
 */
import type { Diagnostic, LoadResult } from '../model';
import { loadManifests } from './load';

/** Strips the common indentation of a template literal and its first newline. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length);
  const min = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(min)).join('\n');
}

export const load = (text: string, name = 't.yaml'): LoadResult =>
  loadManifests([{ name, text: dedent(text) }]);

export const errorsOf = (r: LoadResult): Diagnostic[] =>
  r.diagnostics.filter((d) => d.severity === 'error');

export const warningsOf = (r: LoadResult): Diagnostic[] =>
  r.diagnostics.filter((d) => d.severity === 'warning');

/** The single diagnostic about `field` (fails loudly when there are none or several). */
export function only(ds: readonly Diagnostic[], field: string): Diagnostic {
  const hits = ds.filter((d) => d.field === field);
  if (hits.length !== 1) {
    throw new Error(
      `expected one diagnostic for ${field}, got ${hits.length}: ${JSON.stringify(ds, null, 1)}`,
    );
  }
  return hits[0]!;
}
