/**
 * Multi-document YAML with source positions. Each document becomes a plain JS value plus a map from
 * field path (`spec.ingress[0].from[1].ipBlock.cidr`) to where that field is written, so parsers
 * work on plain data and still point errors at line:column.
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import type { Diagnostic, SourcePos } from '../model';

export interface YamlDocument {
  /** 0-based index of the document in the file. */
  readonly index: number;
  readonly value: unknown;
  /** Position of the field at `path` (its key, for map entries), else of the nearest ancestor. */
  posOf(path: string): SourcePos;
}

export interface YamlFile {
  readonly documents: readonly YamlDocument[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Files larger than this are refused with a clear error instead of freezing the tab. */
export const MAX_YAML_BYTES = 8 * 1024 * 1024;

export const childPath = (parent: string, key: string | number): string =>
  typeof key === 'number' ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key;

/** The parent of a path: `a.b[2].c` -> `a.b[2]` -> `a.b` -> `a` -> ``. */
export function parentPath(path: string): string {
  const m = /(\.[^.[\]]+|\[\d+\])$/.exec(path);
  return m ? path.slice(0, m.index) : '';
}

export function parseYamlFile(text: string, file: string): YamlFile {
  const diagnostics: Diagnostic[] = [];
  if (text.length > MAX_YAML_BYTES) {
    diagnostics.push({
      severity: 'error',
      message: `the file is ${(text.length / 1024 / 1024).toFixed(1)} MiB; the limit is ${MAX_YAML_BYTES / 1024 / 1024} MiB`,
      pos: { file, line: 1, column: 1 },
    });
    return { documents: [], diagnostics };
  }
  const lineCounter = new LineCounter();
  const toPos = (offset: number): SourcePos => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const documents: YamlDocument[] = [];
  list.forEach((doc, index) => {
    let hasError = false;
    for (const error of doc.errors) {
      hasError = true;
      diagnostics.push({
        severity: 'error',
        message: `YAML syntax: ${firstLine(error.message)}`,
        pos: toPos(error.pos[0]),
      });
    }
    for (const warning of doc.warnings) {
      diagnostics.push({
        severity: 'warning',
        message: `YAML: ${firstLine(warning.message)}`,
        pos: toPos(warning.pos[0]),
      });
    }
    if (hasError || doc.contents === null) return;
    const positions = new Map<string, SourcePos>();
    indexPositions(doc.contents as Node, '', positions, toPos);
    const docStart = toPos(doc.range[0]);
    documents.push({
      index,
      value: doc.toJS({ maxAliasCount: 1000 }),
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
