/**
 * Policy edits for the recompile tests: one policy's spec replaced by another's under its own
 * identity, as an edit in the editor leaves it.
 */

/** What names a policy object, per dialect (its kind included: staged, global, clusterwide). */
const IDENTITY = [
  'ref',
  'namespace',
  'name',
  'tier',
  'global',
  'clusterwide',
  'staged',
  'specIndex',
];

/** `body`'s spec under `named`'s identity. */
export function renamed<T extends object>(body: T, named: T): T {
  const out: Partial<Record<string, unknown>> = { ...body };
  for (const k of IDENTITY) {
    if (k in named) out[k] = (named as Partial<Record<string, unknown>>)[k];
    else delete out[k];
  }
  return out as T;
}
