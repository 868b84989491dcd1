/**
 * Multi-document YAML with source positions. Each document becomes a plain JS value plus a way to
 * find where a field path (`spec.ingress[0].from[1].ipBlock.cidr`) is written, so parsers work on
 * plain data and still point errors at line:column.
 *
 * Two readers (issue 15). The fast path (fastYaml.ts) parses with js-yaml, noting where each node
 * opens, and finds a position only when one is asked for; the full reader (`parseWithPositions`,
 * the `yaml` package's syntax tree with every position) reads whatever the fast path declines:
 * syntax errors, anchors and aliases, collection keys, a byte-order mark, too deep nesting. Both
 * give the same values, positions and diagnostics (fastYaml.test.ts, lazyPositions.test.ts).
 *
 * Measured on the `npm run bench` text (1,000 pods, 10,000 policies, 3.3 MB, 11,030 documents;
 * Node 20.20, 2 shared cores, best of 2-5 runs in one process; the machine was busy, so read the
 * ratios more than the milliseconds):
 *
 *   parser                                                  ms   × js-yaml loadAll
 *   js-yaml 4.3.2 loadAll (plain, the fastest maintained)   414   1.0
 *   js-yaml 5.5.0 loadAll (same text, earlier run)                ~2.0  (its event stream
 *                                                                       costs; 4.x is maintained)
 *   yaml 2.9.1 Lexer alone                                 1493   3.6
 *   yaml 2.9.1 Parser (CST) alone                          5646  13.6
 *   yaml 2.9.1 parseAllDocuments (+ toJS: 5494-6515)       7213  17.4
 *   full reader (yaml 2.9.1 + positions index), the old   6876  16.6
 *   path for every file
 *
 * Later, quieter runs (best of 3-6): the fast path (js-yaml 4.3.2, the yaml-core schema and the
 * listener) 274-296 ms against 211-216 ms for a plain loadAll (1.3-1.4×); loadManifests, the
 * whole load, 800-1000 ms against 225-250 ms (3.2-4×; `npm run bench` prints it as
 * `loadVsParse`), 5.5-7.4 s before (15-19×).
 *
 * Since the bench loads the app's generated cluster (engine/generate.ts, 3.4 MB) and times CPU,
 * not wall-clock (3 December 2026, load average ~20): the fast path 344 ms against 283 ms for a
 * plain loadAll (1.2×), the whole load 882 ms (3.1×); of the rest, the kinds' parsers and their
 * checks take most, and positions about a tenth: every model object keeps the position of its
 * fields (`pos`), so the first one asked for builds the node tree of the file, valid or not.
 *
 * After trimming the load (3 December 2026, same text, machine at load average 10-20, so figures
 * swing ±30% between runs): the node trace in typed arrays, null and bool resolved without a
 * regex, a document's own position without the node tree, the source lines and the positions of
 * namespaces and port names found only when a message needs them, objects seen kept by kind,
 * namespace and name. Warm (both readers run a few times first, in one process, best of 4):
 * the YAML step 262 ms (was 334), the whole load 506 ms (was 667) against 248-261 ms for a plain
 * loadAll: 1.9-2.0× (was 2.7×). `npm run bench` times the load's first three runs in a fresh
 * process, before the JIT and the heap settle (the first runs take 1.5-2× the fifth), so it
 * still prints 3-3.6×. The rest of the load is the kinds' parsers reading fields by path, and
 * the garbage collector (~14 scavenges a load against 7 for a plain loadAll).
 *
 * 4 December 2026 (quiet machine, CPU time, best of 8, js-yaml 165-180 ms): a model object's field
 * positions found when first read (fieldPos.ts), then each document loaded as soon as js-yaml has
 * read it (fastYaml.ts `fastParseStream`: its values die young) and plain string scalars not kept
 * by the node trace: the whole load 297-318 ms, 1.7-1.87× a plain loadAll (1.88-1.96× before).
 *
 * 4 December 2026, night (same machine and clock): most parts read without js-yaml's `listener`,
 * their nodes recorded only when a field of theirs is first asked for (fastYaml.ts
 * `fastParseStream`): the YAML step 121 ms (145 with the listener; js-yaml's own per-part parse
 * without it 105), the whole load 285-320 ms, 1.65-1.80× a plain loadAll in twelve `npm run
 * bench` runs.
 *
 * The yaml package's faster entry points do not close the gap: its lexer alone costs 3.6× a
 * js-yaml parse. yaml-ast-parser and yamljs are unmaintained.
 */
import {
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  Composer,
  Lexer,
  LineCounter,
  Parser,
  type CST,
  type Document,
  type Node,
} from 'yaml';
import type { Diagnostic, SourcePos } from '../model';
import {
  fastParse,
  fastParseStream,
  lineIndex,
  type FastDocument,
  type FastFile,
} from './fastYaml';
import { FieldPos, type DocumentAnchor, type PositionSource } from './fieldPos';
import { MAX_YAML_BYTES } from './limits';

export interface YamlDocument {
  /** 0-based index of the document in the file. */
  readonly index: number;
  readonly value: unknown;
  /**
   * Position of the field at `path` (its key, for map entries), else of the nearest ancestor.
   * Functions that use no `this`, so they may be passed on alone (load.ts `subDocument`).
   */
  readonly posOf: (path: string) => SourcePos;
  /**
   * The same position for a model object to keep: found when first read (fieldPos.ts). Readers
   * whose positions cost nothing more (the full reader indexes them all) leave it out.
   */
  readonly fieldPos?: (path: string, then?: (pos: SourcePos) => SourcePos) => SourcePos;
}

export interface YamlFile {
  readonly documents: readonly YamlDocument[];
  readonly diagnostics: readonly Diagnostic[];
}

export { MAX_YAML_BYTES };

/**
 * Child paths, by parent and key: the same string object comes back for the same path, so the
 * readers' lookups by path (reader.ts `pathInfo`) hash each path once, not on every call
 * (half a million calls on the 10,000-policy bench). Cleared when it grows past a bound.
 */
const childPaths = new Map<string, Map<string | number, string>>();

export function childPath(parent: string, key: string | number): string {
  let byKey = childPaths.get(parent);
  if (byKey === undefined) {
    if (childPaths.size > 20_000) childPaths.clear();
    byKey = new Map();
    childPaths.set(parent, byKey);
  }
  let path = byKey.get(key);
  if (path === undefined) {
    path = typeof key === 'number' ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key;
    if (byKey.size < 1_000) byKey.set(key, path);
  }
  return path;
}

/** The parent of a path: `a.b[2].c` -> `a.b[2]` -> `a.b` -> `a` -> ``. */
export function parentPath(path: string): string {
  const m = /(\.[^.[\]]+|\[\d+\])$/.exec(path);
  return m ? path.slice(0, m.index) : '';
}

/**
 * How deep collections may nest. Manifests are shallow (a Pod's deepest field,
 * `spec.containers[0].env[0].valueFrom.secretKeyRef.name`, is 8 levels down); the limit keeps the
 * YAML composer and every recursive walk over a document (positions, readers, selectors' maps) far
 * from the call stack's end, which the yaml package reaches near 2,000 levels of flow collections.
 */
export const MAX_YAML_DEPTH = 100;

/**
 * How many nodes expanding the aliases of one document may produce (yaml's `maxAliasCount`): an
 * alias bomb ("billion laughs") stops here.
 */
export const MAX_ALIAS_COUNT = 1000;

/** Clips a user-written value echoed in a message: the first 200 characters and how many more. */
export function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

/**
 * The offset of the first flow collection (`[` or `{`) that opens deeper than `limit`, from the
 * lexer's tokens (linear, no recursion, and it stops there), or undefined. Brackets inside quoted
 * or plain scalars are parts of scalar tokens, so only real collections count. Files with fewer
 * bracket characters than the limit cannot nest that deep in flow style and skip the lexing.
 */
function deepFlowOffset(text: string, limit: number): number | undefined {
  let openings = 0;
  for (let i = 0; i < text.length && openings <= limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) openings += 1;
  }
  if (openings <= limit) return undefined;
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    // The lexer's control tokens (document start, flow end, scalar) are not source characters.
    if (token === '\x02' || token === '\x18' || token === '\x1f') continue;
    if (token === '[' || token === '{') {
      depth += 1;
      if (depth > limit) return offset;
    } else if (token === ']' || token === '}') {
      depth = Math.max(0, depth - 1);
    }
    offset += token.length;
  }
  return undefined;
}

/**
 * The offset of the first collection of the CST (from yaml's Parser, which keeps an explicit stack
 * and does not recurse) nested deeper than `limit`, or undefined: checked before the composer,
 * which recurses.
 */
function deepCstOffset(tokens: readonly CST.Token[], limit: number): number | undefined {
  const stack: [CST.Token, number][] = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (token.type === 'document') {
      if (token.value) stack.push([token.value, depth]);
      continue;
    }
    if (
      token.type !== 'block-map' &&
      token.type !== 'block-seq' &&
      token.type !== 'flow-collection'
    )
      continue;
    if (depth + 1 > limit) return token.offset;
    for (const item of token.items) {
      if (item.key) stack.push([item.key, depth + 1]);
      if (item.value) stack.push([item.value, depth + 1]);
    }
  }
  return undefined;
}

/** The first node nested deeper than `limit` (an explicit stack: no recursion). */
function tooDeepNode(root: Node, limit: number): Node | undefined {
  const stack: [Node, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > limit) return node;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isCollection(pair.key)) stack.push([pair.key as Node, depth + 1]);
        if (pair.value && isCollection(pair.value)) stack.push([pair.value as Node, depth + 1]);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) if (isCollection(item)) stack.push([item as Node, depth + 1]);
    }
  }
  return undefined;
}

/** The depth of a plain value (aliases expanded), stopping past `limit`: no recursion. */
function valueTooDeep(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  let budget = 1_000_000;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > limit) return true;
    if (--budget < 0) return true;
    if (Array.isArray(v)) for (const x of v) stack.push([x, depth + 1]);
    else if (typeof v === 'object' && v !== null)
      for (const x of Object.values(v)) stack.push([x, depth + 1]);
  }
  return false;
}

/** The aliases of a document, in source order (explicit stack: no recursion). */
function aliasesOf(root: Node): Node[] {
  const out: Node[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) out.push(node);
    else if (isMap(node)) {
      for (const pair of [...node.items].reverse()) stack.push(pair.value, pair.key);
    } else if (isSeq(node)) {
      for (const item of [...node.items].reverse()) stack.push(item);
    }
  }
  return out;
}

const nestingMessage = (what: string) =>
  `${what} nests deeper than ${MAX_YAML_DEPTH} levels of maps and lists; Kubernetes manifests need fewer than 20, so PacketWalk stops reading here`;

/** The error for a file over the size limit, or null. */
function sizeProblem(text: string, file: string): Diagnostic | null {
  if (text.length <= MAX_YAML_BYTES) return null;
  return {
    severity: 'error',
    message: `the file is ${(text.length / 1024 / 1024).toFixed(1)} MiB; the limit is ${MAX_YAML_BYTES / 1024 / 1024} MiB`,
    pos: { file, line: 1, column: 1 },
  };
}

/**
 * The positions of the fields of a file the fast path read: one object per file, which the
 * positions a model keeps (fieldPos.ts) hold with a document's number. Nothing per document
 * but its start and anchor outlives the load (per-document closures had ~5 objects per document
 * survive with the model, and at first held the parsed values too).
 */
class FastPositions implements PositionSource {
  constructor(
    private readonly text: string,
    readonly file: string,
    private readonly fast: FastFile,
    private readonly toPos: (offset: number) => SourcePos,
  ) {}

  /** Where document `doc` starts. */
  startOf(doc: number): SourcePos {
    return this.toPos(this.fast.offsetOf(doc, '')!);
  }

  positionOf(doc: number, path: string): SourcePos {
    for (let p = path; ; p = parentPath(p)) {
      const offset = this.fast.offsetOf(doc, p);
      if (offset !== undefined) return this.toPos(offset);
      if (p === '') return this.startOf(doc);
    }
  }

  /** The document's anchor (fieldPos.ts): its start and its text. */
  anchorOf(doc: number, start: SourcePos): DocumentAnchor {
    const from = this.fast.offsetOf(doc, '')!;
    return {
      line: start.line,
      column: start.column,
      source: this.text.slice(from, this.fast.end(doc)),
    };
  }
}

/**
 * A document the fast path read, with its positions. Its start (every object's position) and
 * anchor (one per document, shared by its field positions) are kept here while it loads, not in
 * maps by root (two map entries per document: ~3 ms of a 10,000-policy load).
 */
function yamlDocument(
  { value, doc }: FastDocument,
  index: number,
  positions: FastPositions,
): YamlDocument {
  let start: SourcePos | undefined;
  let anchor: DocumentAnchor | undefined;
  const posOf = (path: string): SourcePos =>
    path === '' ? (start ??= positions.startOf(doc)) : positions.positionOf(doc, path);
  return {
    index,
    value,
    posOf,
    fieldPos: (path, then) => {
      if (path === '' && !then) return posOf('');
      anchor ??= positions.anchorOf(doc, posOf(''));
      return new FieldPos(positions.file, anchor, path, positions, doc, then);
    },
  };
}

/**
 * Reads `text`, handing each document to `onDocument` as soon as it is read (fastYaml.ts
 * `fastParseStream`): the file's diagnostics, or `undefined` when the fast path declined the file
 * part-way. Then `parseYamlFile` must read it again (the documents handed over are to be dropped):
 * the full reader's diagnostics say where a broken file breaks.
 */
export function streamYamlFile(
  text: string,
  file: string,
  onDocument: (doc: YamlDocument) => void,
): readonly Diagnostic[] | undefined {
  const tooLarge = sizeProblem(text, file);
  if (tooLarge) return [tooLarge];
  let positions: FastPositions | undefined;
  let index = 0;
  const read = fastParseStream(text, MAX_YAML_DEPTH, (doc) => {
    positions ??= new FastPositions(text, file, doc.file, lineIndex(text, file));
    onDocument(yamlDocument(doc, index++, positions));
  });
  return read ? [] : undefined;
}

export function parseYamlFile(text: string, file: string): YamlFile {
  const diagnostics: Diagnostic[] = [];
  const tooLarge = sizeProblem(text, file);
  if (tooLarge) return { documents: [], diagnostics: [tooLarge] };
  const fast = fastParse(text, MAX_YAML_DEPTH);
  if (fast) {
    const toPos = lineIndex(text, file);
    const positions = fast[0] && new FastPositions(text, file, fast[0].file, toPos);
    return {
      documents: fast.map((doc, index) => yamlDocument(doc, index, positions!)),
      diagnostics,
    };
  }
  return parseWithPositions(text, file);
}

/**
 * The full reader: the `yaml` package's syntax tree, with every position. Used when the fast path
 * declines a file (a syntax error, anchors, ...), so that its diagnostics say exactly where.
 */
export function parseWithPositions(text: string, file: string): YamlFile {
  const diagnostics: Diagnostic[] = [];
  const lineCounter = new LineCounter();
  const toPos = (offset: number): SourcePos => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const fail = (message: string, offset: number): YamlFile => {
    // Positions need the line starts, which a parse records; count them by hand when none ran.
    if (lineCounter.lineStarts.length === 0) {
      lineCounter.addNewLine(0);
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
        lineCounter.addNewLine(i + 1);
      }
    }
    diagnostics.push({ severity: 'error', message, pos: toPos(offset) });
    return { documents: [], diagnostics };
  };
  let docs: Document.Parsed[];
  try {
    // parseAllDocuments in two steps, so that too deep a file is refused between them: the
    // composer recurses once per level and dies (not always with a catchable error) a couple of
    // thousand levels down.
    // Flow nesting first, by the lexer alone: the parser is slow on very deep flow collections.
    const flowAt = deepFlowOffset(text, MAX_YAML_DEPTH);
    if (flowAt !== undefined) return fail(`YAML: ${nestingMessage('this value')}`, flowAt);
    const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
    const deepAt = deepCstOffset(tokens, MAX_YAML_DEPTH);
    if (deepAt !== undefined) return fail(`YAML: ${nestingMessage('this value')}`, deepAt);
    docs = [
      ...new Composer({ uniqueKeys: true, prettyErrors: false }).compose(tokens),
    ] as Document.Parsed[];
  } catch (e) {
    return fail(
      e instanceof RangeError
        ? `YAML: ${nestingMessage('the file')}`
        : `YAML syntax: ${clip(firstLine(e instanceof Error ? e.message : String(e)))}`,
      0,
    );
  }
  const documents: YamlDocument[] = [];
  docs.forEach((doc, index) => {
    let hasError = false;
    for (const error of doc.errors) {
      hasError = true;
      diagnostics.push({
        severity: 'error',
        message:
          error.code === 'RESOURCE_EXHAUSTION'
            ? `YAML: ${nestingMessage('this value')}`
            : `YAML syntax: ${clip(firstLine(error.message))}`,
        pos: toPos(error.pos[0]),
      });
    }
    for (const warning of doc.warnings) {
      diagnostics.push({
        severity: 'warning',
        message: `YAML: ${clip(firstLine(warning.message))}`,
        pos: toPos(warning.pos[0]),
      });
    }
    if (hasError || doc.contents === null) return;
    const contents = doc.contents as Node;
    const deep = tooDeepNode(contents, MAX_YAML_DEPTH);
    if (deep) {
      diagnostics.push({
        severity: 'error',
        message: `YAML: ${nestingMessage('this value')}`,
        pos: toPos(deep.range?.[0] ?? doc.range[0]),
      });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      diagnostics.push(aliasProblem(doc, contents, e, toPos));
      return;
    }
    if (valueTooDeep(value, MAX_YAML_DEPTH)) {
      const first = aliasesOf(contents)[0];
      diagnostics.push({
        severity: 'error',
        message: `YAML: ${nestingMessage('with its aliases expanded, this document')}`,
        pos: toPos(first?.range?.[0] ?? doc.range[0]),
      });
      return;
    }
    const positions = new Map<string, SourcePos>();
    indexPositions(contents, '', positions, toPos);
    const docStart = toPos(doc.range[0]);
    documents.push({
      index,
      value,
      posOf(path) {
        for (let p = path; ; p = parentPath(p)) {
          const pos = positions.get(p);
          if (pos) return pos;
          if (p === '') return docStart;
        }
      },
    });
  });
  return { documents, diagnostics };
}

/**
 * What went wrong turning a document into plain data, at the alias that caused it: an alias
 * whose anchor is not defined before it (`*a` without `&a`), or so many aliases that expanding
 * them would build a huge value (an alias bomb).
 */
function aliasProblem(
  doc: Document.Parsed,
  contents: Node,
  e: unknown,
  toPos: (offset: number) => SourcePos,
): Diagnostic {
  const aliases = aliasesOf(contents);
  const unresolved = aliases.find((a) => isAlias(a) && a.resolve(doc) === undefined);
  if (unresolved && isAlias(unresolved)) {
    return {
      severity: 'error',
      message: `YAML: the alias *${clip(unresolved.source)} refers to no anchor: an anchor (&${clip(unresolved.source)}) must be defined before its aliases, in the same document`,
      pos: toPos(unresolved.range?.[0] ?? doc.range[0]),
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  if (/alias/i.test(message)) {
    return {
      severity: 'error',
      message: `YAML: expanding this document's aliases would build more than ${MAX_ALIAS_COUNT} copies of anchored values (an "alias bomb"); PacketWalk stops here`,
      pos: toPos(aliases[0]?.range?.[0] ?? doc.range[0]),
    };
  }
  return {
    severity: 'error',
    message:
      e instanceof RangeError
        ? `YAML: ${nestingMessage('this document')}`
        : `YAML: this document cannot be read: ${clip(firstLine(message))}`,
    pos: toPos(doc.range[0]),
  };
}

function indexPositions(
  node: Node,
  path: string,
  out: Map<string, SourcePos>,
  toPos: (offset: number) => SourcePos,
): void {
  if (node.range && !out.has(path)) out.set(path, toPos(node.range[0]));
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const p = childPath(path, key);
      // Point a field at its key: that is where a reader looks for it.
      if (isScalar(pair.key) && pair.key.range) out.set(p, toPos(pair.key.range[0]));
      if (pair.value && typeof pair.value === 'object' && 'range' in pair.value) {
        indexPositions(pair.value as Node, p, out, toPos);
      }
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      if (item && typeof item === 'object' && 'range' in item) {
        indexPositions(item as Node, childPath(path, i), out, toPos);
      }
    });
  }
}

const firstLine = (s: string): string => s.split('\n')[0]!.trim();
