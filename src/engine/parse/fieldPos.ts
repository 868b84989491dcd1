/**
 * The position of a field that a model object keeps (a rule's, a selector's, a pod's node name),
 * found when it is first read (issue 15: "the common case must not pay for positions it does not
 * need"). A valid load keeps ~27,000 such positions on the 10,000-policy bench and reads almost
 * none: finding each (the file's node tree, a walk down to the field, its line) was a tenth of the
 * load.
 *
 * It reads as a `SourcePos`: `line` and `column` are found on first read and kept. What does not
 * read fields but lists them sees something else (its own fields are `file`, `at` and `path`):
 * - `JSON.stringify` calls `toJSON` (file, line, column);
 * - `dequal` (engine/carryOver.ts) compares `file`, `at` and `path`: two positions with the same
 *   file, the same document text starting at the same line and column, and the same path are at the
 *   same line and column, so equality still means "same place" (an edit that moves the lines below
 *   it makes their objects new);
 * - vitest's `toEqual` compares it as `{ file, line, column }` (src/test/setup.ts);
 * - a structured clone would carry `file`, `at` and `path` but no line: nothing that crosses to the
 *   main thread keeps one (worker/noLazyPositions.test.ts walks every answer of the worker's API),
 *   and diagnostics get plain positions (`plainPos`) before the load returns them.
 */
import type { SourcePos } from '../model';

/** What a document's positions are a function of: where it starts and its text from there. */
export interface DocumentAnchor {
  readonly line: number;
  readonly column: number;
  /** The document's text from its first character to where its last node ends. */
  readonly source: string;
}

/** Finds the position of a field of a document (yaml.ts: one per file). */
export interface PositionSource {
  positionOf(doc: number, path: string): SourcePos;
}

export class FieldPos implements SourcePos {
  readonly #source: PositionSource;
  readonly #doc: number;
  readonly #then: ((pos: SourcePos) => SourcePos) | undefined;
  /** The position, once found: kept out of the own fields, so that equality does not depend on
   * whether it was read (carryOver.ts compares a previous load's positions with a new one's). */
  #found: SourcePos | undefined;

  constructor(
    readonly file: string,
    readonly at: DocumentAnchor,
    readonly path: string,
    source: PositionSource,
    doc: number,
    /** Moves the field's position (e.g. from a key to its value). */
    then?: (pos: SourcePos) => SourcePos,
  ) {
    this.#source = source;
    this.#doc = doc;
    this.#then = then;
  }

  #find(): SourcePos {
    const pos = this.#source.positionOf(this.#doc, this.path);
    return (this.#found = this.#then ? this.#then(pos) : pos);
  }

  get line(): number {
    return (this.#found ?? this.#find()).line;
  }

  get column(): number {
    return (this.#found ?? this.#find()).column;
  }

  toJSON(): SourcePos {
    return { file: this.file, line: this.line, column: this.column };
  }
}

/** `pos` as a plain `{ file, line, column }` (a `FieldPos` found now), for what crosses threads. */
export const plainPos = (pos: SourcePos): SourcePos =>
  pos instanceof FieldPos ? pos.toJSON() : pos;
