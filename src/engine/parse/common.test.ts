import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../model';
import {
  dns1035LabelProblem,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  portNameProblems,
  sourceLines,
  valueStart,
} from './common';
import { Reader } from './reader';
import { parseYamlFile } from './yaml';

const at = (line: number, column: number) => ({ file: 'f', line, column });

describe('valueStart', () => {
  const lines = sourceLines(
    [
      'selector: app == "a"',
      '  "quoted key": "x"',
      'flow: {selector: has(a), b: 1}',
      'block: |',
      '',
      '  has(x)',
      'url: http://a:b',
    ].join('\n'),
  );
  it('finds plain, quoted and flow values after their key', () => {
    expect(valueStart(lines, at(1, 1))).toEqual(at(1, 11));
    // A quoted value starts after its opening quote.
    expect(valueStart(lines, at(2, 3))).toEqual(at(2, 18));
    expect(valueStart(lines, at(3, 8))).toEqual(at(3, 18));
  });
  it('follows a block scalar to its first line', () => {
    expect(valueStart(lines, at(4, 1))).toEqual(at(6, 3));
  });
  it('stops at the first ": " of the key, not at a colon inside the value', () => {
    expect(valueStart(lines, at(7, 1))).toEqual(at(7, 6));
  });
});

describe('sourceLines', () => {
  it('gives the lines text.split(/\\r?\\n/) gives, one at a time', () => {
    for (const text of ['a\r\nb\n\nc\r', '', '\n', 'x\r\n', 'one', 'a\rb\r\n\r\n']) {
      const lines = sourceLines(text);
      const split = text.split(/\r?\n/);
      expect(lines.count).toBe(split.length);
      expect(split.map((_, i) => lines.at(i))).toEqual(split);
      expect(lines.at(split.length)).toBeUndefined();
      expect(lines.at(-1)).toBeUndefined();
    }
  });
});

describe('name and port rules (apimachinery validation)', () => {
  it('checks IANA service names and lists every problem', () => {
    expect(portNameProblems('http')).toEqual([]);
    expect(portNameProblems('http-alt-8080')).toEqual([]);
    expect(portNameProblems('8080')).toEqual(['must contain at least one letter (a-z)']);
    expect(portNameProblems('-a--b-')).toEqual([
      'must not contain consecutive hyphens',
      'must not begin or end with a hyphen',
    ]);
    expect(portNameProblems('a-very-long-port-name')).toEqual([
      'must be no more than 15 characters',
    ]);
  });
  it('tells DNS-1123 subdomains, labels and DNS-1035 labels apart', () => {
    expect(dns1123SubdomainProblem('a.b-c')).toBeNull();
    expect(dns1123LabelProblem('a.b')).not.toBeNull();
    expect(dns1123LabelProblem('1a')).toBeNull();
    expect(dns1035LabelProblem('1a')).not.toBeNull();
    expect(dns1123SubdomainProblem('x'.repeat(254))).toBe('must be no more than 253 characters');
  });
});

describe('Reader additions', () => {
  const reader = (text: string) => {
    const sink: Diagnostic[] = [];
    const doc = parseYamlFile(text, 'r.yaml').documents[0]!;
    return { r: new Reader(doc, 'Obj x', sink), sink };
  };
  it('number() accepts floats and refuses strings', () => {
    const { r, sink } = reader('order: 10.5\nbad: "1"\n');
    expect(r.number('order')).toBe(10.5);
    expect(r.number('bad')).toBeUndefined();
    expect(r.number('missing')).toBeUndefined();
    expect(sink.map((d) => d.message)).toEqual(['must be a number, not string "1"']);
  });
  it('oneOf() compares case-sensitively and lists the supported values', () => {
    const { r, sink } = reader('a: Deny\nb: deny\n');
    expect(r.oneOf('a', ['Deny', 'Pass'])).toBe('Deny');
    expect(r.oneOf('b', ['Deny', 'Pass'])).toBeUndefined();
    expect(sink[0]).toMatchObject({
      field: 'b',
      pos: { line: 2, column: 1 },
      message: 'Unsupported value: "deny": supported values: "Deny", "Pass"',
    });
  });
  it('errorAt() reports at an exact position with the object and field', () => {
    const { r, sink } = reader('a: 1\n');
    r.errorAt(at(1, 4), 'a', 'here');
    expect(sink).toEqual([
      { severity: 'error', message: 'here', pos: at(1, 4), object: 'Obj x', field: 'a' },
    ]);
  });
});
