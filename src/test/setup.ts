/**
 * vitest set-up for every test file. A model object's field position (engine/parse/fieldPos.ts)
 * is found when first read, so until then it has no own `line` or `column`: `toEqual` compares it
 * as the `{ file, line, column }` it reads as.
 */
import { expect } from 'vitest';
import { FieldPos } from '../engine/parse/fieldPos';

const plain = (v: unknown): unknown => (v instanceof FieldPos ? v.toJSON() : v);

expect.addEqualityTesters([
  function fieldPosEquality(a: unknown, b: unknown, customTesters) {
    if (!(a instanceof FieldPos) && !(b instanceof FieldPos)) return undefined;
    return this.equals(plain(a), plain(b), customTesters);
  },
]);
