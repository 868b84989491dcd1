/**
 * What an incremental recompile compares: cluster objects by content, without their place in the
 * manifests (`pos`), since editing one policy moves every later object's lines. Fingerprints are
 * remembered per object, so a cluster's are computed once however often it is compared.
 */
const fingerprints = new WeakMap<object, string>();

const withoutPositions = (key: string, value: unknown): unknown =>
  key === 'pos' ? undefined : value;

export function fingerprint(o: object): string {
  let f = fingerprints.get(o);
  if (f === undefined) fingerprints.set(o, (f = JSON.stringify(o, withoutPositions)));
  return f;
}

/** Whether two lists hold the same objects by content, in the same order. */
export const sameContent = (a: readonly object[], b: readonly object[]): boolean =>
  a === b || (a.length === b.length && a.every((x, i) => fingerprint(x) === fingerprint(b[i]!)));

/**
 * The objects of `next` that differ from `prev`, matched by `key`: the old and the new version of
 * each edited object, the removed ones and the added ones.
 */
export function changedObjects<T extends object>(
  prev: readonly T[],
  next: readonly T[],
  key: (o: T) => string,
): T[] {
  const { start, endPrev, endNext } = editedRange(prev, next);
  const before = new Map(prev.slice(start, endPrev).map((o) => [key(o), o]));
  const out: T[] = [];
  for (const o of next.slice(start, endNext)) {
    const k = key(o);
    const old = before.get(k);
    before.delete(k);
    if (old === undefined) out.push(o);
    else if (old !== o && fingerprint(old) !== fingerprint(o)) out.push(old, o);
  }
  out.push(...before.values());
  return out;
}

/**
 * Where two lists differ: an edit leaves the objects around it as they were (the same objects when
 * the caller reuses them), so `prev[start, endPrev)` became `next[start, endNext)` and the rest is
 * the same objects in the same order.
 */
export function editedRange(
  prev: readonly unknown[],
  next: readonly unknown[],
): { start: number; endPrev: number; endNext: number } {
  let start = 0;
  while (start < prev.length && start < next.length && prev[start] === next[start]) start++;
  let endPrev = prev.length;
  let endNext = next.length;
  while (endPrev > start && endNext > start && prev[endPrev - 1] === next[endNext - 1]) {
    endPrev--;
    endNext--;
  }
  return { start, endPrev, endNext };
}
