/**
 * Typed, position-aware access to one manifest object. Every accessor takes a field path, checks the
 * value's type and shape, and records a diagnostic naming the object, the field and the line:column
 * when something is wrong, returning `undefined` so the parser carries on and reports every problem.
 */
import { parseCidr, type Cidr } from '../cidr';
import {
  SELECTOR_OPERATORS,
  type LabelSelector,
  type LabelSelectorRequirement,
  type Labels,
} from '../labels';
import { PROTOCOLS, type Diagnostic, type Protocol, type SourcePos } from '../model';
import { childPath, clip, type YamlDocument } from './yaml';

export type PlainMap = Record<string, unknown>;

/**
 * A message with every long piece of user text in it clipped (yaml.ts `clip`): a quoted value or
 * an unbroken run of more than 240 characters (a 3 MB name is not printed whole), and the whole
 * message at 2,000 characters. Both patterns are linear scans.
 */
export function capEchoes(message: string): string {
  if (message.length <= 200) return message;
  const quoted = message.replace(/"([^"]{201,})"/g, (_, inner: string) => `"${clip(inner)}"`);
  const runs = quoted.replace(/\S{241,}/g, (run) => clip(run));
  return clip(runs, 2000);
}

/**
 * The options of a read that passes none: one object for every such call, not a new `{}` each
 * (half a million reads a load).
 */
export const NO_OPTIONS: {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly allowHostBits?: boolean;
  readonly keyCheck?: (key: string) => string | null;
  readonly nullIsEmpty?: boolean;
  readonly hostBitsAcceptedBy?: string;
} = {};
const NO_HINTS: Readonly<Record<string, string>> = {};

// Field lists, one array each (not a new one per call).
const SELECTOR_FIELDS = ['matchLabels', 'matchExpressions'];
const REQUIREMENT_FIELDS = ['key', 'operator', 'values'];

export const isPlainMap = (v: unknown): v is PlainMap =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return `${typeof v} ${JSON.stringify(v)}`;
}

// Label keys and values as the API server validates them (apimachinery validation).
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function labelKeyProblem(key: string): string | null {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (slash >= 0 && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `label key "${key}" has an invalid prefix`;
  }
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    return `label key "${key}" is not valid (1-63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit)`;
  }
  return null;
}

export function labelValueProblem(value: string): string | null {
  if (value === '') return null;
  if (value.length > 63 || !LABEL_NAME.test(value)) {
    return `label value "${value}" is not valid (at most 63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit)`;
  }
  return null;
}

/**
 * The message for a field the schema does not know. What the API server does with one: a built-in
 * kind's decoder drops it, and a CRD's structural schema prunes it (CRDs with `x-kubernetes-
 * preserve-unknown-fields` aside); server-side field validation (KEP-2885, GA in Kubernetes 1.27)
 * then refuses the request when the client asks for `Strict` (kubectl's default `--validate=strict`),
 * warns with `Warn` (`kubectl --validate=warn`, and the server's default for other clients) and
 * says nothing with `Ignore`. Built-in kinds and CRDs behave alike. PacketWalk follows `Warn`: the
 * object loads without the field and the warning says so, with the nearest known field when the
 * key looks like a typo, because a misspelt `ingress` silently drops every rule under it.
 */
export function unknownFieldMessage(
  key: string,
  allowed: readonly string[],
  hint?: string,
): string {
  const near = nearestField(key, allowed);
  const tail = hint
    ? ` ${hint}`
    : near !== undefined
      ? ` Did you mean \`${near}\`? Everything under "${key}" is dropped with it.`
      : allowed.length > 0 && allowed.length <= 12
        ? ` (known fields here: ${allowed.join(', ')})`
        : '';
  return `unknown field "${key}" is ignored: the API server drops fields its schema does not know.${tail}`;
}

/** The allowed field closest to `key` when it looks like a typo of it (case or a few letters off). */
export function nearestField(key: string, allowed: readonly string[]): string | undefined {
  // No field name is this long: skip the quadratic edit distance on a huge key.
  if (key.length > 100) return undefined;
  const lower = key.toLowerCase();
  // The most edits any candidate may be off by (its own limit, below, is at most this): a
  // candidate whose length alone differs by more is rejected whether or not it is the nearest, and
  // so is every candidate at least as far, so it is skipped unmeasured.
  const most = Math.max(1, Math.floor(key.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const gap = Math.abs(candidate.length - key.length);
    // Its distance is at least the gap: it cannot beat the nearest so far (ties keep the first).
    if (gap > most || gap >= bestDistance) continue;
    const other = candidate.toLowerCase();
    const d = other === lower ? 0.5 : editDistance(lower, other);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // One edit for short names, up to a third of the name for longer ones.
  const limit = Math.max(1, Math.floor(Math.min(key.length, best?.length ?? 0) / 3));
  return bestDistance <= limit ? best : undefined;
}

/** Three rows of the edit distance table, reused (a table of arrays per call was most of the cost
 * of a load whose every object has an unknown field: ~400 ms in 7,400 warnings). */
let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const n = b.length;
  if (rows[0]!.length <= n) rows = [0, 1, 2].map(() => new Int32Array(n + 1));
  // Row i of the table, from rows i-1 (previous) and i-2 (beforePrevious).
  let [beforePrevious, previous, current] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= n; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, beforePrevious[j - 2]! + 1);
      }
      current[j] = v;
    }
    [beforePrevious, previous, current] = [previous, current, beforePrevious];
  }
  return previous[n]!;
}

/**
 * A field path read once: its last key or index and its parent's, so that a reader finds a field
 * in the map or list its parent read left in hand (`Reader.get`), not from the document's root.
 */
interface PathInfo {
  /** How many keys and indexes the path has (0 for the document itself). */
  readonly depth: number;
  readonly parent: PathInfo | undefined;
  readonly key: string | number;
}

const ROOT_PATH: PathInfo = { depth: 0, parent: undefined, key: '' };

/** Paths read, by path: readers ask for the same few hundred paths in every document. */
const pathInfos = new Map<string, PathInfo>();

/**
 * The keys and indexes of a field path (`spec.ingress[0].from` -> spec, ingress, 0, from), as
 * the pattern `([^.[\]]+)|\[(\d+)\]` reads them (a `[` or `]` that is not part of an index is
 * skipped).
 */
export function pathSegments(path: string): readonly (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  }
  return out;
}

/** The path's info, cached: its parent is the info of the path written without its last key. */
function pathInfo(path: string): PathInfo {
  const cached = pathInfos.get(path);
  if (cached !== undefined) return cached;
  const segments = pathSegments(path);
  let info = ROOT_PATH;
  let written = '';
  for (const key of segments) {
    written = typeof key === 'number' ? `${written}[${key}]` : written ? `${written}.${key}` : key;
    let next = pathInfos.get(written);
    if (next === undefined || next.parent !== info) {
      next = { depth: info.depth + 1, parent: info, key };
      if (pathInfos.size > 10_000) pathInfos.clear();
      pathInfos.set(written, next);
    }
    info = next;
  }
  pathInfos.set(path, info);
  return info;
}

/** The value of `key` in `v`, `undefined` when `v` is not a map (a string key) or list (an index). */
function childValue(v: unknown, key: string | number): unknown {
  if (typeof key === 'number') return Array.isArray(v) ? (v[key] as unknown) : undefined;
  return isPlainMap(v) ? v[key] : undefined;
}

/** The value at a field path, `undefined` when absent. */
export function valueAt(root: unknown, path: string): unknown {
  return valueIn(root, pathInfo(path));
}

function valueIn(root: unknown, info: PathInfo): unknown {
  if (info.depth === 0) return root;
  const parent = valueIn(root, info.parent!);
  return parent === undefined ? undefined : childValue(parent, info.key);
}

/**
 * The value last read at each depth, with its path, by the reader reading now: a parser reads the
 * fields of one map or list after another, so a field's parent is most often in hand (one property
 * read, not a walk from the document's root). One set for all readers (no arrays per document):
 * another reader's read starts it afresh.
 */
const held: { reader: unknown; paths: (PathInfo | undefined)[]; values: unknown[] } = {
  reader: undefined,
  paths: [],
  values: [],
};

export class Reader {
  constructor(
    readonly doc: YamlDocument,
    /** `NetworkPolicy shop/allow-frontend`, for messages. */
    public object: string,
    private readonly sink: Diagnostic[],
    /**
     * `error` for PacketWalk's own content files (lessons), where an unknown key is a mistake to fix,
     * not an API server's pruning to warn about.
     */
    private readonly unknownFields: 'warn' | 'error' = 'warn',
  ) {}

  posOf(path: string): SourcePos {
    return this.doc.posOf(path);
  }

  /**
   * The position of the field at `path` for a model object to keep, found when first read
   * (fieldPos.ts); `then` moves it (e.g. from a key to its value). Messages take `posOf`.
   */
  fieldPos(path: string, then?: (pos: SourcePos) => SourcePos): SourcePos {
    if (this.doc.fieldPos !== undefined) return this.doc.fieldPos(path, then);
    return then ? then(this.doc.posOf(path)) : this.doc.posOf(path);
  }

  error(path: string, message: string): void {
    this.sink.push({
      severity: 'error',
      message: capEchoes(message),
      pos: this.posOf(path),
      object: capEchoes(this.object),
      field: path ? capEchoes(path) : undefined,
    });
  }

  /** An error at an exact place inside the field at `path` (e.g. a column within a selector). */
  errorAt(pos: SourcePos, path: string, message: string): void {
    this.sink.push({
      severity: 'error',
      message: capEchoes(message),
      pos,
      object: capEchoes(this.object),
      field: path ? capEchoes(path) : undefined,
    });
  }

  warn(path: string, message: string, extra?: Partial<Diagnostic>): void {
    const diagnostic: Diagnostic = {
      severity: 'warning',
      message: capEchoes(message),
      pos: this.posOf(path),
      object: capEchoes(this.object),
      field: path ? capEchoes(path) : undefined,
    };
    if (extra !== undefined) Object.assign(diagnostic, extra);
    this.sink.push(diagnostic);
  }

  /** The last path read and its value: a parser often reads a field twice (`has`, then `string`). */
  private lastPath: string | undefined;
  private lastValue: unknown;

  /** The raw value at `path`, `undefined` when absent. */
  get(path: string): unknown {
    if (path === this.lastPath) return this.lastValue;
    const value = this.resolve(pathInfo(path));
    this.lastPath = path;
    this.lastValue = value;
    return value;
  }

  private resolve(info: PathInfo): unknown {
    if (held.reader !== this) {
      held.reader = this;
      // Emptied in place: setting `length = 0` shrank the arrays' stores and grew them again on
      // each new document (2 ms of a 10,000-policy load).
      const { paths, values } = held;
      for (let i = 0; i < paths.length; i++) {
        paths[i] = undefined;
        values[i] = undefined;
      }
    }
    return this.resolveHeld(info);
  }

  private resolveHeld(info: PathInfo): unknown {
    const depth = info.depth;
    if (depth === 0) return this.doc.value;
    if (held.paths[depth] === info) return held.values[depth];
    const parent = this.resolveHeld(info.parent!);
    const value = parent === undefined ? undefined : childValue(parent, info.key);
    held.paths[depth] = info;
    held.values[depth] = value;
    return value;
  }

  has(path: string): boolean {
    const v = this.get(path);
    return v !== undefined && v !== null;
  }

  /**
   * Warns about every key of the map at `path` that is not in `allowed`; the parsers never read
   * such keys, so the object loads as the API server stores it, without them. `hints` adds a
   * sentence for known cases (a field that moved). See `unknownFieldMessage`.
   */
  keys(
    path: string,
    allowed: readonly string[],
    hints: Readonly<Record<string, string>> = NO_HINTS,
  ): void {
    const v = this.get(path);
    if (!isPlainMap(v)) return;
    // for-in, not Object.keys: no array of keys per map read (same order: the object's own keys,
    // js-yaml's maps inheriting none).
    for (const key in v) {
      if (allowed.includes(key) || !Object.hasOwn(v, key)) continue;
      if (this.unknownFields === 'error') {
        const near = nearestField(key, allowed);
        this.error(
          childPath(path, key),
          `unknown field "${key}"${near !== undefined ? ` (did you mean "${near}"?)` : ''}; expected one of: ${allowed.join(', ')}`,
        );
      } else {
        this.warn(childPath(path, key), unknownFieldMessage(key, allowed, hints[key]));
      }
    }
  }

  map(path: string, opts: { required?: boolean } = NO_OPTIONS): PlainMap | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) {
      if (opts.required) this.error(path, 'is required');
      return undefined;
    }
    if (!isPlainMap(v)) {
      this.error(path, `must be a map, not ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  /** A list; `null` when the field is absent or null (so callers can tell absent from empty). */
  list(path: string, opts: { required?: boolean } = NO_OPTIONS): unknown[] | null {
    const v = this.get(path);
    if (v === undefined || v === null) {
      if (opts.required) this.error(path, 'is required');
      return null;
    }
    if (!Array.isArray(v)) {
      this.error(path, `must be a list, not ${describe(v)}`);
      return null;
    }
    return v;
  }

  string(path: string, opts: { required?: boolean } = NO_OPTIONS): string | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) {
      if (opts.required) this.error(path, 'is required');
      return undefined;
    }
    if (typeof v !== 'string') {
      this.error(path, `must be a string, not ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  int(
    path: string,
    opts: { required?: boolean; min?: number; max?: number } = NO_OPTIONS,
  ): number | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) {
      if (opts.required) this.error(path, 'is required');
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.error(path, `must be an integer, not ${describe(v)}`);
      return undefined;
    }
    if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
      this.error(path, `must be between ${opts.min ?? '-∞'} and ${opts.max ?? '∞'}, not ${v}`);
      return undefined;
    }
    return v;
  }

  /** A number, integer or not (Calico's `order` is a float); `undefined` when absent. */
  number(path: string, opts: { required?: boolean } = NO_OPTIONS): number | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) {
      if (opts.required) this.error(path, 'is required');
      return undefined;
    }
    if (typeof v === 'number' && !Number.isFinite(v)) {
      // YAML's .nan/.inf (and a literal beyond float64, read as infinity) have no JSON form
      // (RFC 8259 section 6: "Infinity and NaN are not permitted"), and Kubernetes objects are
      // sent and stored as JSON.
      this.error(
        path,
        `must be a finite number, not ${Number.isNaN(v) ? 'NaN (.nan)' : v > 0 ? 'infinity' : 'minus infinity'}: JSON, in which Kubernetes stores objects, has no NaN or infinity`,
      );
      return undefined;
    }
    if (typeof v !== 'number') {
      this.error(path, `must be a number, not ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  /** A string that must be one of `allowed` (case-sensitive, as the APIs compare enums). */
  oneOf<T extends string>(
    path: string,
    allowed: readonly T[],
    opts: { required?: boolean } = NO_OPTIONS,
  ): T | undefined {
    const v = this.string(path, opts);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) {
      this.error(
        path,
        `Unsupported value: "${v}": supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`,
      );
      return undefined;
    }
    return v as T;
  }

  bool(path: string): boolean | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') {
      this.error(path, `must be true or false, not ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  /** A list of strings; `null` when absent. */
  strings(path: string): string[] | null {
    const list = this.list(path);
    if (!list) return null;
    const out: string[] = [];
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (typeof item === 'string') out.push(item);
      else this.error(childPath(path, i), `must be a string, not ${describe(item)}`);
    }
    return out;
  }

  /** A map of label key to string value, validated as Kubernetes validates labels. */
  labels(path: string): Labels {
    const m = this.map(path);
    if (!m) return {};
    const out: Record<string, string> = {};
    for (const key in m) {
      if (!Object.hasOwn(m, key)) continue;
      const value = m[key];
      const p = childPath(path, key);
      const keyProblem = labelKeyProblem(key);
      if (keyProblem) this.error(p, keyProblem);
      // YAML reads `tier: 1` or `enabled: true` as non-strings; Kubernetes rejects them too.
      if (typeof value !== 'string') {
        this.error(p, `label values must be strings: quote ${JSON.stringify(value)}`);
        continue;
      }
      const valueProblem = labelValueProblem(value);
      if (valueProblem) this.error(p, valueProblem);
      out[key] = value;
    }
    return out;
  }

  /** A `metav1.LabelSelector`; `undefined` when absent. */
  labelSelector(
    path: string,
    opts: { keyCheck?: (key: string) => string | null } = NO_OPTIONS,
  ): LabelSelector | undefined {
    const m = this.map(path);
    if (!m) return undefined;
    this.keys(path, SELECTOR_FIELDS);
    const keyCheck = opts.keyCheck ?? labelKeyProblem;
    const matchLabels: Record<string, string> = {};
    const ml = this.map(childPath(path, 'matchLabels'));
    for (const key in ml) {
      if (!Object.hasOwn(ml, key)) continue;
      const value = ml[key];
      const p = childPath(childPath(path, 'matchLabels'), key);
      const problem = keyCheck(key);
      if (problem) this.error(p, problem);
      if (typeof value !== 'string') {
        this.error(p, `label values must be strings: quote ${JSON.stringify(value)}`);
        continue;
      }
      const vp = labelValueProblem(value);
      if (vp) this.error(p, vp);
      matchLabels[key] = value;
    }
    const matchExpressions: LabelSelectorRequirement[] = [];
    const mePath = childPath(path, 'matchExpressions');
    const requirements = this.list(mePath);
    for (let i = 0; requirements !== null && i < requirements.length; i++) {
      const p = childPath(mePath, i);
      if (!this.map(p, { required: true })) continue;
      this.keys(p, REQUIREMENT_FIELDS);
      const key = this.string(childPath(p, 'key'), { required: true });
      const operator = this.string(childPath(p, 'operator'), { required: true });
      const values = this.strings(childPath(p, 'values'));
      if (key === undefined || operator === undefined) continue;
      const problem = keyCheck(key);
      if (problem) this.error(childPath(p, 'key'), problem);
      if (!(SELECTOR_OPERATORS as readonly string[]).includes(operator)) {
        this.error(
          childPath(p, 'operator'),
          `"${operator}" is not a valid operator (In, NotIn, Exists, DoesNotExist)`,
        );
        continue;
      }
      const op = operator as LabelSelectorRequirement['operator'];
      if ((op === 'In' || op === 'NotIn') && (!values || values.length === 0)) {
        this.error(childPath(p, 'values'), `must be non-empty when operator is ${op}`);
        continue;
      }
      if ((op === 'Exists' || op === 'DoesNotExist') && values && values.length > 0) {
        this.error(childPath(p, 'values'), `must be empty when operator is ${op}`);
        continue;
      }
      matchExpressions.push(
        values && values.length > 0 ? { key, operator: op, values } : { key, operator: op },
      );
    }
    return { matchLabels, matchExpressions };
  }

  cidr(
    path: string,
    opts: { required?: boolean; allowHostBits?: boolean } = NO_OPTIONS,
  ): Cidr | undefined {
    const text = this.string(path, opts);
    if (text === undefined) return undefined;
    const r = parseCidr(text, opts);
    if (!r.ok) {
      this.error(path, r.error);
      return undefined;
    }
    return r.cidr;
  }

  /** TCP, UDP or SCTP; `fallback` when absent (TCP in Kubernetes). */
  protocol(path: string, fallback: Protocol = 'TCP'): Protocol | undefined {
    const v = this.string(path);
    if (v === undefined) return this.has(path) ? undefined : fallback;
    if (!(PROTOCOLS as readonly string[]).includes(v)) {
      this.error(path, `"${v}" is not a supported protocol (TCP, UDP, SCTP)`);
      return undefined;
    }
    return v as Protocol;
  }
}
