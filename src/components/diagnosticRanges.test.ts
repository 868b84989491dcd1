import { Text } from '@codemirror/state';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../engine/model';
import {
  diagnosticRange,
  diagnosticText,
  linesOf,
  reportedPosition,
  resolvePosition,
  tokenEnd,
  toEditorDiagnostics,
} from './diagnosticRanges';

const YAML = [
  'apiVersion: networking.k8s.io/v1', // line 1, offsets 0..32
  'kind: NetworkPolicy', // line 2, offsets 33..52
  'metadata:', // line 3, offsets 53..62
  '  name: deny', // line 4, offsets 63..75
  '', // line 5, offset 76
  '  selector: "app == \'api\'"', // line 6, offsets 77..103
].join('\n');

const diag = (line: number, column: number, extra: Partial<Diagnostic> = {}): Diagnostic => ({
  severity: 'error',
  message: 'boom',
  pos: { file: 'scenario.yaml', line, column },
  ...extra,
});

describe('linesOf', () => {
  it('gives each line its offsets and text', () => {
    const doc = linesOf(YAML);
    expect(doc.lines).toBe(6);
    expect(doc.line(1)).toEqual({ from: 0, to: 32, text: 'apiVersion: networking.k8s.io/v1' });
    expect(doc.line(2)).toEqual({ from: 33, to: 52, text: 'kind: NetworkPolicy' });
    expect(doc.line(5)).toEqual({ from: 76, to: 76, text: '' });
  });

  it('has one empty line for an empty text and counts a trailing newline as a line', () => {
    expect(linesOf('').lines).toBe(1);
    expect(linesOf('').line(1)).toEqual({ from: 0, to: 0, text: '' });
    expect(linesOf('a\n').lines).toBe(2);
    expect(linesOf('a\n').line(2)).toEqual({ from: 2, to: 2, text: '' });
  });

  it('counts \\r\\n and \\r as one character, as CodeMirror does', () => {
    const doc = linesOf('a\r\nbc\rd');
    expect(doc.line(2)).toEqual({ from: 2, to: 4, text: 'bc' });
    expect(doc.line(3)).toEqual({ from: 5, to: 6, text: 'd' });
  });

  it('throws on a line that does not exist', () => {
    expect(() => linesOf('a').line(2)).toThrow(RangeError);
    expect(() => linesOf('a').line(0)).toThrow(RangeError);
  });

  it('agrees with CodeMirror Text on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\r', ':') }), (s) => {
        const ours = linesOf(s);
        const theirs = Text.of(s.split(/\r\n?|\n/));
        expect(ours.lines).toBe(theirs.lines);
        for (let n = 1; n <= theirs.lines; n++) {
          const { from, to, text } = theirs.line(n);
          expect(ours.line(n)).toEqual({ from, to, text });
        }
      }),
    );
  });
});

describe('resolvePosition', () => {
  const doc = linesOf(YAML);

  it('maps an exact line:column to its offset', () => {
    expect(resolvePosition(doc, 1, 1)).toEqual({ line: 1, column: 1, offset: 0, clamped: false });
    expect(resolvePosition(doc, 2, 7)).toEqual({ line: 2, column: 7, offset: 39, clamped: false });
    expect(YAML.slice(39, 52)).toBe('NetworkPolicy');
    expect(resolvePosition(doc, 4, 9).offset).toBe(YAML.indexOf('deny'));
  });

  it('accepts the column just past the last character (the line end)', () => {
    expect(resolvePosition(doc, 3, 10)).toEqual({
      line: 3,
      column: 10,
      offset: 62,
      clamped: false,
    });
    expect(resolvePosition(doc, 5, 1)).toEqual({ line: 5, column: 1, offset: 76, clamped: false });
  });

  it('clamps a column past the line end to the line end', () => {
    expect(resolvePosition(doc, 3, 99)).toEqual({ line: 3, column: 10, offset: 62, clamped: true });
    expect(resolvePosition(doc, 5, 4)).toEqual({ line: 5, column: 1, offset: 76, clamped: true });
  });

  it('clamps a column below 1 or not a whole number to the line start', () => {
    for (const column of [0, -3, Number.NaN, 2.5, Number.POSITIVE_INFINITY]) {
      expect(resolvePosition(doc, 2, column)).toEqual({
        line: 2,
        column: 1,
        offset: 33,
        clamped: true,
      });
    }
  });

  it('clamps a line past the end to the end of the document (the text got shorter)', () => {
    expect(resolvePosition(doc, 7, 1)).toEqual({
      line: 6,
      column: 27,
      offset: YAML.length,
      clamped: true,
    });
    expect(resolvePosition(doc, 1000, 5).offset).toBe(YAML.length);
  });

  it('puts a line that names no place on line 1, column 1', () => {
    for (const line of [0, -1, Number.NaN, 1.5, Number.NEGATIVE_INFINITY]) {
      expect(resolvePosition(doc, line, 5)).toEqual({
        line: 1,
        column: 1,
        offset: 0,
        clamped: true,
      });
    }
  });

  it('works in an empty document', () => {
    const empty = linesOf('');
    expect(resolvePosition(empty, 1, 1)).toEqual({ line: 1, column: 1, offset: 0, clamped: false });
    expect(resolvePosition(empty, 3, 8)).toEqual({ line: 1, column: 1, offset: 0, clamped: true });
    expect(resolvePosition(empty, 1, 8).offset).toBe(0);
  });

  it('always lands inside the document, on the line and column it reports', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', ' ', '\n', 'é', '😀') }),
        fc.oneof(fc.integer({ min: -5, max: 40 }), fc.constant(Number.NaN)),
        fc.oneof(fc.integer({ min: -5, max: 40 }), fc.constant(Number.NaN)),
        (s, line, column) => {
          const d = linesOf(s);
          const at = resolvePosition(d, line, column);
          expect(at.offset).toBeGreaterThanOrEqual(0);
          expect(at.offset).toBeLessThanOrEqual(s.length);
          expect(at.offset).toBe(d.line(at.line).from + at.column - 1);
          const exact = at.line === line && at.column === column;
          expect(at.clamped).toBe(!exact);
        },
      ),
    );
  });

  it('counts columns in UTF-16 code units, like the engine and CodeMirror', () => {
    const d = linesOf('a: "😀x"');
    // 😀 is two code units: x is at column 7.
    expect(resolvePosition(d, 1, 7).offset).toBe('a: "😀x"'.indexOf('x'));
  });
});

describe('tokenEnd', () => {
  it('ends a plain scalar at the next blank', () => {
    expect(tokenEnd('cidr: 10.0.0.0/33 # bad', 6)).toBe(17);
  });

  it('leaves out the colon of a key and a trailing comma', () => {
    expect(tokenEnd('podSelector: {}', 0)).toBe(11);
    expect(tokenEnd('[80, 443]', 1)).toBe(3);
    expect(tokenEnd(':', 0)).toBe(1);
  });

  it('spans a quoted scalar with its blanks, up to the closing quote', () => {
    const line = `selector: "app == 'api'" # c`;
    expect(line.slice(10, tokenEnd(line, 10))).toBe(`"app == 'api'"`);
    const single = `x: 'it''s here' y`;
    expect(single.slice(3, tokenEnd(single, 3))).toBe(`'it''s here'`);
    const escaped = `x: "a \\" b" c`;
    expect(escaped.slice(3, tokenEnd(escaped, 3))).toBe(`"a \\" b"`);
  });

  it('runs an unclosed quote to the end of the line', () => {
    expect(tokenEnd('x: "open', 3)).toBe(8);
  });

  it('marks one character on a blank and nothing at the line end', () => {
    expect(tokenEnd('a  b', 1)).toBe(2);
    expect(tokenEnd('ab', 2)).toBe(2);
    expect(tokenEnd('', 0)).toBe(0);
  });

  it('clamps an index outside the text', () => {
    expect(tokenEnd('ab', 9)).toBe(2);
    expect(tokenEnd('ab', -4)).toBe(2);
  });
});

describe('diagnosticRange', () => {
  const doc = linesOf(YAML);

  it('marks the token at the position', () => {
    const r = diagnosticRange(doc, 2, 7);
    expect(YAML.slice(r.from, r.to)).toBe('NetworkPolicy');
    const key = diagnosticRange(doc, 4, 3);
    expect(YAML.slice(key.from, key.to)).toBe('name');
    const quoted = diagnosticRange(doc, 6, 13);
    expect(YAML.slice(quoted.from, quoted.to)).toBe(`"app == 'api'"`);
  });

  it('is an empty range at a clamped end of line or document', () => {
    expect(diagnosticRange(doc, 3, 50)).toMatchObject({ from: 62, to: 62, clamped: true });
    expect(diagnosticRange(doc, 40, 1)).toMatchObject({
      from: YAML.length,
      to: YAML.length,
      line: 6,
    });
  });

  it('puts an unplaceable position on the first token of line 1', () => {
    expect(diagnosticRange(doc, 0, 0)).toMatchObject({ from: 0, to: 10, line: 1, clamped: true });
  });
});

describe('diagnosticText', () => {
  it('names the object and the field before the message', () => {
    expect(
      diagnosticText({
        message: 'invalid CIDR "10.0.0.0/33"',
        object: 'NetworkPolicy shop/allow-frontend',
        field: 'spec.ingress[0].from[1].ipBlock.cidr',
      }),
    ).toBe(
      'NetworkPolicy shop/allow-frontend: spec.ingress[0].from[1].ipBlock.cidr: invalid CIDR "10.0.0.0/33"',
    );
    expect(diagnosticText({ message: 'bad YAML' })).toBe('bad YAML');
    expect(diagnosticText({ message: 'm', field: 'kind' })).toBe('kind: m');
  });
});

describe('toEditorDiagnostics', () => {
  it('keeps the order and severity, clamps every position into the document', () => {
    const out = toEditorDiagnostics(linesOf(YAML), [
      diag(2, 7, { object: 'NetworkPolicy default/deny', field: 'kind' }),
      diag(99, 1, { severity: 'warning', message: 'later' }),
      diag(0, 0),
    ]);
    expect(out).toEqual([
      { from: 39, to: 52, severity: 'error', message: 'NetworkPolicy default/deny: kind: boom' },
      { from: YAML.length, to: YAML.length, severity: 'warning', message: 'later' },
      { from: 0, to: 10, severity: 'error', message: 'boom' },
    ]);
  });

  it('places a diagnostic without a position on line 1', () => {
    const broken = { severity: 'error', message: 'no pos' } as unknown as Diagnostic;
    expect(toEditorDiagnostics(linesOf('a: 1'), [broken])).toEqual([
      { from: 0, to: 1, severity: 'error', message: 'no pos' },
    ]);
  });

  it('works with a CodeMirror Text as the document', () => {
    const text = Text.of(YAML.split('\n'));
    expect(toEditorDiagnostics(text, [diag(4, 9)])[0]).toMatchObject({ from: 71, to: 75 });
  });
});

describe('reportedPosition', () => {
  it("shows the engine's line:column, or 1:1 when it names no place", () => {
    expect(reportedPosition(diag(12, 5))).toEqual({ line: 12, column: 5 });
    expect(reportedPosition(diag(12, 0))).toEqual({ line: 12, column: 1 });
    expect(reportedPosition(diag(0, 7))).toEqual({ line: 1, column: 1 });
    expect(reportedPosition({ pos: undefined } as unknown as Pick<Diagnostic, 'pos'>)).toEqual({
      line: 1,
      column: 1,
    });
  });
});
