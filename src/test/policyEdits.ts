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
  const spec = Object.entries(body).filter(([k]) => !IDENTITY.includes(k));
  const identity = Object.entries(named).filter(([k]) => IDENTITY.includes(k));
  return Object.fromEntries([...spec, ...identity]) as T;
}
