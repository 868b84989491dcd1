/**
 * The fast path of `parseYamlFile` and `streamYamlFile` (yaml.ts): js-yaml reads the file, one
 * document after another (the loader uses each before the next is read), and the positions of
 * fields are found only when one is asked for.
 *
 * Why js-yaml: on the `npm run bench` text (10,000 policies, 3.3 MB) its loadAll is ~13× faster
 * than the `yaml` package's parse with positions (the table is in yaml.ts). js-yaml builds no
 * syntax tree; its `listener` option reports where each node opens and closes, which is all the
 * positions need: this file records a few numbers per node (for most documents only when a field
 * of theirs is first asked for, by reading the document again), and builds from them a tree of
 * keys and items (typed arrays, no strings) that a field path is walked down to its line:column.
 *
 * It is a fast path, not a second YAML reader: anything it is not sure to read exactly as the
 * `yaml` package does (a syntax error, a warning, anchors and aliases, explicit `? ` or
 * collection keys, a byte-order mark, a directive, nesting deeper than the limit) declines, and
 * yaml.ts reads the file with the `yaml` package as before, so every diagnostic keeps its text
 * and line:column. fastYaml.test.ts checks both paths give the same values and positions (every
 * YAML file of the repository, edge cases), lazyPositions.test.ts the same diagnostics.
 */
import { FAILSAFE_SCHEMA, Type, loadAll, type LoadOptions, type State } from 'js-yaml';
import type { SourcePos } from '../model';

/**
 * The YAML 1.2 core schema exactly as the `yaml` package resolves plain scalars
 * (yaml/dist/schema/core: null, bool, int (octal, decimal, hex), float (nan/inf, exponent,
 * decimal)), in its order. js-yaml's own CORE_SCHEMA differs at the edges (it reads `0b101` as the
 * number 5, which the `yaml` package keeps as a string).
 */
/** One js-yaml type per tag (js-yaml keeps one type per tag): the first of `forms` that matches. */
const scalar = (
  tag: string,
  /** The characters a match may start with: most plain scalars are names, rejected here. */
  firstChars: string,
  forms: [RegExp, (s: string) => unknown][],
): Type => {
  // A table by character code (all are ASCII): js-yaml asks every type about every plain
  // scalar, keys included, ~1.2 million times on the bench.
  const starts = new Uint8Array(128);
  for (const c of firstChars) starts[c.charCodeAt(0)] = 1;
  let construct: ((s: string) => unknown) | undefined;
  return new Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (data: unknown) => {
      if (typeof data !== 'string' || starts[data.charCodeAt(0)] !== 1) return false;
      for (const [test, make] of forms) {
        if (test.test(data)) {
          construct = make;
          return true;
        }
      }
      return false;
    },
    // js-yaml constructs right after a resolve that matched (loader.js composeNode).
    construct: (data: string) => construct!(data),
  });
};

// Null and bool by comparing strings (a regex test per four-letter key, `spec`, `kind`, `name`,
// cost more than the rest of the type checks together).
const nullType = new Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: unknown) =>
    data === null ||
    data === '' ||
    data === '~' ||
    data === 'null' ||
    data === 'Null' ||
    data === 'NULL',
  construct: () => null,
});

const boolType = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: unknown) =>
    data === 'true' ||
    data === 'True' ||
    data === 'TRUE' ||
    data === 'false' ||
    data === 'False' ||
    data === 'FALSE',
  construct: (data: string) => data[0] === 't' || data[0] === 'T',
});

export const YAML_CORE_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    nullType,
    boolType,
    scalar('int', '0123456789+-', [
      [/^0o[0-7]+$/, (s) => parseInt(s.substring(2), 8)],
      [/^[-+]?[0-9]+$/, (s) => parseInt(s, 10)],
      [/^0x[0-9a-fA-F]+$/, (s) => parseInt(s.substring(2), 16)],
    ]),
    scalar('float', '0123456789+-.', [
      [
        /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
        (s) =>
          s.slice(-3).toLowerCase() === 'nan'
            ? NaN
            : s[0] === '-'
              ? Number.NEGATIVE_INFINITY
              : Number.POSITIVE_INFINITY,
      ],
      [/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, parseFloat],
      [/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, parseFloat],
    ]),
  ],
});

const KIND_NONE = 0;
const KIND_SCALAR = 1;
const KIND_MAP = 2;
const KIND_SEQ = 3;

/**
 * Where each node opened and closed, its parent and kind, in the order js-yaml opened them (part
 * by part, in the order the parts were recorded: a part's nodes are together): typed arrays,
 * grown by doubling, so recording a node allocates nothing (the 10,000-policy bench opens ~450,000
 * nodes; JS arrays of numbers cost a third of the parse in pushes and garbage). Offsets are the
 * file's, whichever part of it js-yaml was reading.
 */
interface Trace {
  /** How many nodes were opened. */
  size: number;
  open: Int32Array;
  /** Where each node closed (only read for map keys: is a `:` next?). */
  close: Int32Array;
  parent: Int32Array;
  kind: Uint8Array;
  /**
   * A scalar's value (a map key's name, once stringified), except a plain scalar read as a string
   * (`keyName` reads it from the text); unset for collections. Keeping every scalar here kept
   * ~450,000 strings alive through a large array the collector visits on every scavenge.
   */
  readonly result: unknown[];
  /** The first node of each document. */
  readonly roots: number[];
}

const isBreakOrBlank = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;

/**
 * Whether the text may hold an explicit key (`? `), which the full reader reads: a `?` at the
 * start or after white space, `,`, `[` or `{`, and before a blank or line break (the pattern
 * `(?:^|[\s,[{])\?[ \t\r\n]`). It may also find one inside a quoted value, which only costs the
 * fast path, never correctness. `?` is rare in manifests: finding each with indexOf is ~15× faster
 * than the pattern's scan of every character (1.7 ms on the 3.3 MB bench).
 */
function mayHaveExplicitKey(text: string): boolean {
  for (let i = text.indexOf('?'); i >= 0; i = text.indexOf('?', i + 1)) {
    if (!isBreakOrBlank(text.charCodeAt(i + 1))) continue;
    if (i === 0 || /[\s,[{]/.test(text[i - 1]!)) return true;
  }
  return false;
}

/**
 * Whether a flow collection may be a key (`[a]: b`, `{a: 1}: b`): a `]` or `}`, blanks, then `:`
 * before a blank, a line break or the end (the pattern `[\]}][ \t]*:(?:[ \t\r\n]|$)`);
 * `hasCollectionKey` tells. Found the same way as `mayHaveExplicitKey`.
 */
function mayHaveCollectionKey(text: string): boolean {
  for (const close of [']', '}']) {
    for (let i = text.indexOf(close); i >= 0; i = text.indexOf(close, i + 1)) {
      let j = i + 1;
      while (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x09) j++;
      if (
        text.charCodeAt(j) === 0x3a &&
        (j + 1 === text.length || isBreakOrBlank(text.charCodeAt(j + 1)))
      ) {
        return true;
      }
    }
  }
  return false;
}

export interface FastDocument {
  readonly value: unknown;
  /** The document's number in the file (from 0): what `FastFile` finds its fields by. */
  readonly doc: number;
  /** The file it was read from, shared by all its documents. */
  readonly file: FastFile;
}

/**
 * Where the fields of a file's documents are. One object per file, not closures per document:
 * the positions a model keeps (fieldPos.ts) hold this and a document's number, so nothing per
 * document outlives the load but what a position needs.
 */
export interface FastFile {
  /**
   * The offset of the field at `path` (its key, for map entries) of document `doc`, or undefined
   * when not written. The document's start needs no nodes; any other field has the document's
   * part read again, its nodes recorded, and the file's `path -> node` index extended over them.
   */
  offsetOf(doc: number, path: string): number | undefined;
  /** Where the document's last node ends: every field's offset is before it. */
  end(doc: number): number;
}

/**
 * Where the file's documents start: each line that opens with the document marker `---`
 * (followed by a blank, a line break or the end). YAML forbids such a line inside any scalar
 * (spec 1.2 "c-forbidden"), so each part reads as it would in the whole file.
 */
function documentStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('---'); i >= 0; i = text.indexOf('---', i + 3)) {
    if (i > 0 && text.charCodeAt(i - 1) !== 0x0a) continue;
    if (!isMarkerEnd(text, i + 3)) continue;
    if (i > 0) starts.push(i);
  }
  return starts;
}

/** Whether a `---` ending at `i` is a document marker: a blank, a line break or the end next. */
const isMarkerEnd = (text: string, i: number) =>
  i >= text.length || isBreakOrBlank(text.charCodeAt(i));

/**
 * Whether js-yaml can read a part without recording its nodes, for positions to be found later
 * by reading it again (`fastParseStream`): no `&` or `*` anywhere (so no anchor or alias, which
 * the recorded nodes are needed to refuse), no `]` or `}` followed by `:` (a collection key) and
 * no `...` (a document end marker: its document ends before the part does). Any of them may be
 * inside a quoted value or a comment: then the part is recorded as it is read, which costs time,
 * never correctness.
 */
const readsPlain = (source: string) =>
  !source.includes('&') &&
  !source.includes('*') &&
  !source.includes('...') &&
  !mayHaveCollectionKey(source);

/**
 * Reads `text` with js-yaml, one document after another, handing each to `onDocument` as soon as
 * it is read; false when the `yaml` package must read the file (see the file comment), which may
 * come after some documents were handed over. `depthLimit` is yaml.ts's `MAX_YAML_DEPTH`.
 *
 * Why one document at a time: js-yaml's loadAll keeps every document until the last is read, so
 * each one's values outlive the young generation and the collector copies them all; read and used
 * one at a time, a document's values die young, and are used while still in the cache. On the
 * 10,000-policy bench a loadAll per document is ~10% faster than one over the file.
 *
 * Why nodes are recorded late: most parts (the text from one `---` line to the next) hold one
 * document that is a map, whose start is found from the text (`plainStart`) and whose other
 * positions are asked for only by a diagnostic or a position a view reads. Such a part is read
 * without js-yaml's `listener` (recording ~900,000 open and close events was 28 ms of a 10,000-
 * policy load, a fifth of the YAML step) and read again, with it, the first time a field of it is
 * asked for (one document: tens of microseconds). Any other part is recorded as it is read.
 */
export function fastParseStream(
  text: string,
  depthLimit: number,
  onDocument: (doc: FastDocument) => void,
): boolean {
  if (text.charCodeAt(0) === 0xfeff || mayHaveExplicitKey(text)) return false;
  // A directive (`%YAML`, `%TAG`) belongs to the document after it: read the file whole.
  if (text.charCodeAt(0) === 0x25 || text.includes('\n%')) return false;
  // Grown by doubling as parts are recorded (most are recorded only if a position is asked for).
  let capacity = 1024;
  // The listener writes to these (locals: ~half the listener's time went to reading them off an
  // object); the trace gets them after each part.
  let opens = new Int32Array(capacity);
  let closes = new Int32Array(capacity);
  let parents = new Int32Array(capacity);
  let kinds = new Uint8Array(capacity);
  const results: unknown[] = [];
  const roots: number[] = [];
  let size = 0;
  const trace: Trace = {
    size,
    open: opens,
    close: closes,
    parent: parents,
    kind: kinds,
    result: results,
    roots,
  };
  /** The node open now (-1 between documents). */
  let current = -1;
  let refused = false;
  /** Where the part js-yaml reads starts in the file. */
  let base = 0;
  const grow = <T extends Int32Array | Uint8Array>(from: T, to: T): T => {
    to.set(from);
    return to;
  };
  const plainOptions: LoadOptions & { maxDepth: number } = {
    schema: YAML_CORE_SCHEMA,
    // A value nested deeper than the limit opens more nodes than the limit, one inside the other:
    // js-yaml stops (loader.js composeNode) and the full reader says where, or reads it when the
    // nesting is just at the limit. So no value that comes out here is too deep.
    maxDepth: depthLimit,
    onWarning: () => {
      refused = true;
    },
  };
  const options: LoadOptions & { maxDepth: number } = {
    ...plainOptions,
    listener(event: 'open' | 'close', state: State) {
      if (event === 'open') {
        if (size === capacity) {
          capacity *= 2;
          opens = grow(opens, new Int32Array(capacity));
          closes = grow(closes, new Int32Array(capacity));
          parents = grow(parents, new Int32Array(capacity));
          kinds = grow(kinds, new Uint8Array(capacity));
        }
        const id = size++;
        opens[id] = base + state.position;
        parents[id] = current;
        if (current < 0) roots.push(id);
        current = id;
        return;
      }
      const id = current;
      current = parents[id]!;
      closes[id] = base + state.position;
      const kind = state.kind;
      if (kind === 'scalar') {
        kinds[id] = KIND_SCALAR;
        // js-yaml leaves the tag `?` on a plain scalar no implicit type resolved: a string,
        // written as it reads (keys are single-line; plain scalars have no escapes).
        if ((state as State & { tag: string | null }).tag !== '?') results[id] = state.result;
      } else if (kind === 'mapping') kinds[id] = KIND_MAP;
      else if (kind === 'sequence') kinds[id] = KIND_SEQ;
      if (current < 0) {
        // An anchor anywhere in the document: aliases share values, which the full reader
        // expands and counts (alias bombs).
        if (hasKeys((state as State & { anchorMap: object }).anchorMap)) refused = true;
      }
    },
  };
  const starts = documentStarts(text);
  const partEnd = (part: number) => (part + 1 < starts.length ? starts[part + 1]! : text.length);
  /** Per document: its part, and its first node (-1 while its part is not recorded). */
  const partOf: number[] = [];
  const rootOf: number[] = [];
  /** Reads part `part` recording its nodes: its values, or undefined when js-yaml threw. */
  const record = (part: number, source: string): unknown[] | undefined => {
    base = starts[part]!;
    current = -1;
    let values: unknown[];
    try {
      values = loadAll(source, undefined, options) as unknown[];
    } catch {
      return undefined;
    }
    trace.size = size;
    trace.open = opens;
    trace.close = closes;
    trace.parent = parents;
    trace.kind = kinds;
    return values;
  };
  const tree = new TreeBuilder();
  const file: FastFile = {
    offsetOf(doc, path) {
      let root = rootOf[doc]!;
      if (root < 0) {
        // A document's own position (every object's, and most warnings') needs no nodes.
        if (path === '') return plainStart(text, starts[partOf[doc]!]!);
        const part = partOf[doc]!;
        root = rootOf[doc] = trace.size;
        record(part, text.slice(starts[part]!, partEnd(part)));
      }
      if (path === '') return nodeStart(text, trace, root);
      tree.extend(text, trace);
      const id = findNode(text, trace, tree, path, root, 0);
      return id === undefined ? undefined : nodeStart(text, trace, id);
    },
    end(doc) {
      const root = rootOf[doc]!;
      // A part read plain holds one document, which ends where the part does (js-yaml closes a
      // document's last node at the next `---` line or the end of the file; it reads a text
      // without a final line break with one added, which is not in the file).
      return root < 0 ? partEnd(partOf[doc]!) : Math.min(trace.close[root]!, text.length);
    },
  };
  for (let part = 0; part < starts.length; part++) {
    const source = text.slice(starts[part]!, partEnd(part));
    if (readsPlain(source)) {
      let values: unknown[];
      try {
        values = loadAll(source, undefined, plainOptions) as unknown[];
      } catch {
        return false;
      }
      if (refused) return false;
      const value = values[0];
      // One block map or list, without a tag: `plainStart` finds where it starts, and it ends
      // where the part does (js-yaml closes a flow collection at its bracket).
      const first = values.length === 1 ? text.charCodeAt(plainStart(text, starts[part]!)) : 0;
      if (
        typeof value === 'object' &&
        value !== null &&
        first !== 0 &&
        first !== 0x21 && // !
        first !== 0x7b && // {
        first !== 0x5b // [
      ) {
        const doc = partOf.length;
        partOf.push(part);
        rootOf.push(-1);
        onDocument({ value, doc, file });
        continue;
      }
    }
    const firstNode = trace.size;
    const firstRoot = trace.roots.length;
    const values = record(part, source);
    if (values === undefined) return false;
    if (refused || values.length !== trace.roots.length - firstRoot) return false;
    if (mayHaveCollectionKey(source) && hasCollectionKey(text, trace, firstNode)) return false;
    // Only comments and blank lines before the first `---` (or in a file without one): js-yaml
    // reads one empty document, the yaml package none.
    if (
      part === 0 &&
      values.length === 1 &&
      trace.kind[firstNode] === KIND_NONE &&
      !/^\.\.\./m.test(source)
    ) {
      continue;
    }
    for (let i = 0; i < values.length; i++) {
      const doc = partOf.length;
      partOf.push(part);
      rootOf.push(trace.roots[firstRoot + i]!);
      onDocument({ value: values[i], doc, file });
    }
  }
  return true;
}

/**
 * Where the one document of a part starting at `base` starts, as `nodeStart` finds a map's or a
 * list's: its first character after the `---` marker, blanks, line breaks and comments (js-yaml
 * opens the document's first node right after the marker and the space after it).
 */
function plainStart(text: string, base: number): number {
  const marker = text.startsWith('---', base) && isMarkerEnd(text, base + 3);
  return contentStart(text, marker ? base + 3 : base);
}

/**
 * Reads `text` with js-yaml, or returns undefined when the `yaml` package must read it (see the
 * file comment): `fastParseStream`'s documents, all of them.
 */
export function fastParse(text: string, depthLimit: number): FastDocument[] | undefined {
  const documents: FastDocument[] = [];
  return fastParseStream(text, depthLimit, (doc) => documents.push(doc)) ? documents : undefined;
}

/** Whether an object has a key, without listing its keys. */
function hasKeys(object: object): boolean {
  for (const key in object) if (Object.hasOwn(object, key)) return true;
  return false;
}

/**
 * Whether a map has a collection as a key: js-yaml turns it into a string of its own making.
 * A collection in a map followed by `:` is one (js-yaml also reads a flow collection that starts
 * a block node as the would-be key of a block map, but finds no `:` after it).
 */
function hasCollectionKey(text: string, trace: Trace, from: number): boolean {
  for (let id = from; id < trace.size; id++) {
    const parent = trace.parent[id]!;
    if (parent < 0 || trace.kind[parent] !== KIND_MAP || trace.kind[id]! < KIND_MAP) continue;
    if (text.charCodeAt(contentStart(text, trace.close[id]!)) === 0x3a) return true;
  }
  return false;
}

/** The offset of the first character of a node that js-yaml opened at `from` (it opens values
 * before the spaces, line breaks and comments that precede them). */
function contentStart(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else if (c === 0x23 && (i === 0 || /\s/.test(text[i - 1]!))) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return text.length;
      i = nl + 1;
    } else return i;
  }
}

/**
 * Where the `yaml` package puts a node: its first character; an empty node (`- ` with nothing,
 * a document of only `---`) right after the indicator before it.
 */
function nodeStart(text: string, trace: Trace, id: number): number {
  if (trace.kind[id] !== KIND_NONE) {
    const start = contentStart(text, trace.open[id]!);
    if (text.charCodeAt(start) !== 0x21) return start;
    // A tagged map or list (`--- !!map` then its keys on the next lines) starts at its content.
    const after = afterTag(text, start);
    return trace.kind[id]! >= KIND_MAP ? contentStart(text, after) : after;
  }
  let i = trace.open[id]!;
  if (trace.parent[id]! < 0) {
    // An empty document: after its `---`.
    const marker = text.lastIndexOf('---', i - 1);
    if (marker >= 0 && (marker === 0 || text[marker - 1] === '\n')) return marker + 3;
  }
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\n' || text[i - 1] === '\r')) i--;
  return i;
}

/** Where the content after a tag (`!!str x`, `!<tag:x> y`) starts: the yaml package's node start. */
function afterTag(text: string, from: number): number {
  let i = from;
  while (i < text.length && !isBreakOrBlank(text.charCodeAt(i))) i++;
  while (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09) i++;
  return i;
}

/**
 * The file's nodes as a tree of fields: for each map its keys, for each list its items. Built when
 * the first position is asked for, over the nodes recorded so far, and extended over the nodes
 * recorded since on each later ask: one pass over every node, no strings. Positions follow
 * yaml.ts's `indexPositions`: a map entry at its key, a list item and a document at their first
 * character.
 */
class TreeBuilder {
  /** The node a node stands for (js-yaml's extra node around a flow collection: its parent). */
  self = new Int32Array(0);
  /** First key (maps) or item (lists) of a node, and the next one after a key or item; -1 none. */
  firstChild = new Int32Array(0);
  nextSibling = new Int32Array(0);
  /** The value node of a key, -1 when it has none. */
  valueOf = new Int32Array(0);
  private lastChild = new Int32Array(0);
  /** Per map: the key waiting for its value, or -1 when a key is expected. */
  private pendingKey = new Int32Array(0);
  /** How many of the trace's nodes are in the tree. */
  private built = 0;

  extend(text: string, trace: Trace): void {
    const size = trace.size;
    if (this.built === size) return;
    if (this.self.length < size) this.grow(trace.open.length);
    const { self, firstChild, lastChild, nextSibling, valueOf, pendingKey } = this;
    const { parent: parents, kind: kinds, open, close } = trace;
    for (let id = this.built; id < size; id++) {
      self[id] = id;
      const parent = parents[id]!;
      if (parent < 0) continue;
      const p = self[parent]!;
      const parentKind = kinds[parent]!;
      if (parentKind !== KIND_SEQ && parentKind !== KIND_MAP) continue;
      if (
        kinds[id]! >= KIND_MAP &&
        id === parent + 1 &&
        contentStart(text, open[id]!) === contentStart(text, open[parent]!)
      ) {
        // js-yaml reads a flow collection that starts a block node as the key of a block map it
        // tries first, inside a node of its own at the same place: the same node for us.
        self[id] = p;
        continue;
      }
      if (parentKind === KIND_MAP) {
        const key = pendingKey[p]!;
        if (key >= 0) {
          valueOf[key] = id;
          pendingKey[p] = -1;
          continue;
        }
        // js-yaml also opens a node where it looks for one more key and finds none: skip it.
        if (kinds[id] === KIND_NONE) continue;
        // A key with no `:` after it (`{a, b: 1}`) has no value node.
        const after = close[id]!;
        if (
          text.charCodeAt(after) === 0x3a ||
          text.charCodeAt(contentStart(text, after)) === 0x3a
        ) {
          pendingKey[p] = id;
        }
      }
      if (lastChild[p]! < 0) firstChild[p] = id;
      else nextSibling[lastChild[p]!] = id;
      lastChild[p] = id;
    }
    this.built = size;
  }

  private grow(capacity: number): void {
    const grown = (from: Int32Array, fill: number) => {
      const to = new Int32Array(capacity);
      to.set(from);
      if (fill !== 0) to.fill(fill, from.length);
      return to;
    };
    this.self = grown(this.self, 0);
    this.firstChild = grown(this.firstChild, -1);
    this.lastChild = grown(this.lastChild, -1);
    this.nextSibling = grown(this.nextSibling, -1);
    this.valueOf = grown(this.valueOf, -1);
    this.pendingKey = grown(this.pendingKey, -1);
  }
}

/** A map key's name: its value stringified, or a plain string key's text. */
function keyName(text: string, trace: Trace, key: number): string {
  const value = trace.result[key];
  if (value !== undefined) return String(value);
  let end = trace.close[key]!;
  const start = contentStart(text, trace.open[key]!);
  // js-yaml stops a plain scalar after the blanks that may follow it.
  while (end > start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) {
    end--;
  }
  return text.slice(start, end);
}

/**
 * The node of the field at `path` from `from` on, below node `at` (a key for a map entry), or
 * undefined. Keys may hold dots (`app.kubernetes.io/name`): each key the path goes on with is
 * tried in turn.
 */
function findNode(
  text: string,
  trace: Trace,
  tree: TreeBuilder,
  path: string,
  at: number,
  from: number,
): number | undefined {
  if (from === path.length) return at;
  const { self, firstChild, nextSibling, valueOf } = tree;
  const node = self[at]!;
  const kind = trace.kind[node];
  if (kind === KIND_SEQ) {
    if (path.charCodeAt(from) !== 0x5b) return undefined;
    const close = path.indexOf(']', from);
    const digits = path.slice(from + 1, close);
    if (close < 0 || !/^\d+$/.test(digits)) return undefined;
    const index = Number(digits);
    let item = firstChild[node]!;
    for (let i = 0; i < index && item >= 0; i++) item = nextSibling[item]!;
    return item >= 0 ? findNode(text, trace, tree, path, item, close + 1) : undefined;
  }
  if (kind !== KIND_MAP) return undefined;
  const start = from === 0 ? 0 : path.charCodeAt(from) === 0x2e ? from + 1 : -1;
  if (start < 0) return undefined;
  for (let key = firstChild[node]!; key >= 0; key = nextSibling[key]!) {
    const name = keyName(text, trace, key);
    if (!path.startsWith(name, start)) continue;
    const next = start + name.length;
    if (next === path.length) return key;
    const c = path.charCodeAt(next);
    if (c !== 0x2e && c !== 0x5b) continue;
    const value = valueOf[key]!;
    const found = value >= 0 ? findNode(text, trace, tree, path, value, next) : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The last file's line starts: the YAML positions and the parsers' source lines share them. */
let lastLines: { text: string; starts: Int32Array } | undefined;

/** The offset of each line's first character (after each `\n`), computed once per file. */
export function lineStarts(text: string): Int32Array {
  if (lastLines?.text === text) return lastLines.starts;
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Int32Array(count);
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts[n++] = i + 1;
  lastLines = { text, starts };
  return starts;
}

/** 1-based line and column of offsets, from the line starts (found once, on first use). */
export function lineIndex(text: string, file: string): (offset: number) => SourcePos {
  let starts: Int32Array | undefined;
  /** The line found last: positions are mostly asked for in order, a few lines apart. */
  let last = 0;
  return (offset) => {
    starts ??= lineStarts(text);
    let lo: number;
    if (offset >= starts[last]! && (last + 1 === starts.length || offset < starts[last + 1]!)) {
      lo = last;
    } else {
      lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      last = lo;
    }
    return { file, line: lo + 1, column: offset - starts[lo]! + 1 };
  };
}
