/**
 * The text side of a fix (fix.ts): find a policy's document in a manifest file, add a rule to it or
 * append a new object, and print the changed object. The document keeps its comments and its
 * sequence style; only the changed object's text is rewritten.
 */
import { Document, isMap, isSeq, parseAllDocuments, type Node } from 'yaml';
import type { ObjectRef } from './model';

/** The object a YAML document holds, and where its text is. */
interface LocatedDoc {
  readonly doc: Document.Parsed;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** The range of the document's contents in the text. */
  readonly from: number;
  readonly to: number;
}

function locate(text: string): LocatedDoc[] {
  const out: LocatedDoc[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (!('contents' in doc)) continue;
    const c = doc.contents as Node | null;
    if (!c || !isMap(c) || !c.range) continue;
    const kind = doc.get('kind');
    const name = doc.getIn(['metadata', 'name']);
    const namespace = doc.getIn(['metadata', 'namespace']);
    if (typeof kind !== 'string' || typeof name !== 'string') continue;
    out.push({
      doc,
      kind,
      name,
      ...(typeof namespace === 'string' ? { namespace } : {}),
      from: c.range[0],
      to: c.range[2],
    });
  }
  return out;
}

/** Whether the file writes block sequences flush with their key (`ingress:\n- from:`). */
const flushSequences = (text: string): boolean => /^( *)[\w.-]+:[ \t]*\n\1- /m.test(text);

/** The document's object as YAML, without the comment above it (that stays where it was). */
function printContents(doc: Document, indentSeq: boolean): string {
  const contents = doc.contents as Node;
  const before = contents.commentBefore;
  contents.commentBefore = null;
  const copy = new Document();
  copy.contents = contents;
  const printed = copy.toString({ indentSeq, lineWidth: 0 });
  contents.commentBefore = before;
  return printed;
}

const sameObject = (d: LocatedDoc, ref: ObjectRef, namespaced: boolean): boolean =>
  d.kind === ref.kind &&
  d.name === ref.name &&
  (!namespaced || (d.namespace ?? 'default') === (ref.namespace ?? 'default'));

export interface TextEdit {
  /** The file after the change. */
  readonly text: string;
  /** The changed or added object as YAML. */
  readonly object: string;
}

/**
 * Adds `rule` to the list at `path` (e.g. `['spec', 'ingress']`) of the object `ref`, at `index`
 * (the end when absent). Returns null when the object is not in the text.
 */
export function addRule(
  text: string,
  ref: ObjectRef,
  path: readonly (string | number)[],
  rule: unknown,
  index?: number,
): TextEdit | null {
  const namespaced = ref.namespace !== undefined;
  const found = locate(text).find((d) => sameObject(d, ref, namespaced));
  if (!found) return null;
  const { doc } = found;
  const list = doc.getIn(path, true);
  if (isSeq(list)) {
    const node = doc.createNode(rule);
    list.items.splice(index ?? list.items.length, 0, node);
  } else {
    doc.setIn(path, doc.createNode([rule]));
  }
  const object = printContents(doc, !flushSequences(text));
  const body = object.endsWith('\n') ? object : `${object}\n`;
  const rest = text.slice(found.to);
  return {
    text: text.slice(0, found.from) + body + (rest.startsWith('\n') ? rest.slice(1) : rest),
    object: body,
  };
}

/** Appends a new object as the file's last document. */
export function appendObject(text: string, object: unknown): TextEdit {
  const doc = new Document(object);
  const printed = doc.toString({ indentSeq: !flushSequences(text), lineWidth: 0 });
  const sep = text.length === 0 ? '' : text.endsWith('\n') ? '---\n' : '\n---\n';
  return { text: `${text}${sep}${printed}`, object: printed };
}
