import { describe, expect, it } from 'vitest';
import { formatLabelSelector, matchesLabelSelector, type LabelSelector } from './labels';
import { parseKubectlSelector } from './labelString';
import { mulberry32 as rng, pickOne as pick } from './random';

type Labels = Record<string, string>;

function parse(text: string): LabelSelector {
  const r = parseKubectlSelector(text);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${r.error}`);
  return r.selector;
}

function parseError(text: string): { error: string; column: number } {
  const r = parseKubectlSelector(text);
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to fail`);
  return { error: r.error, column: r.column };
}

const matches = (text: string, labels: Labels): boolean =>
  matchesLabelSelector(labels, parse(text));

describe('kubectl selector strings (apimachinery labels.Parse)', () => {
  it('reads the empty selector as {} (everything)', () => {
    for (const text of ['', '  ', '\n\t']) {
      expect(parse(text)).toEqual({});
      expect(matches(text, {})).toBe(true);
      expect(matches(text, { any: 'thing' })).toBe(true);
    }
  });

  it('reads = and == as equality', () => {
    expect(parse('app=web')).toEqual({ matchLabels: { app: 'web' } });
    expect(parse('app==web')).toEqual({ matchLabels: { app: 'web' } });
    expect(matches('app=web', { app: 'web', x: 'y' })).toBe(true);
    expect(matches('app=web', { app: 'api' })).toBe(false);
    expect(matches('app=web', {})).toBe(false);
  });

  it('reads != as NotIn, which also matches objects without the key', () => {
    expect(parse('tier!=db')).toEqual({
      matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }],
    });
    expect(matches('tier!=db', {})).toBe(true);
    expect(matches('tier!=db', { tier: 'web' })).toBe(true);
    expect(matches('tier!=db', { tier: 'db' })).toBe(false);
  });

  it('reads in and notin with sorted, de-duplicated values', () => {
    expect(parse('env in (prod, dev, prod)')).toEqual({
      matchExpressions: [{ key: 'env', operator: 'In', values: ['dev', 'prod'] }],
    });
    expect(parse('env notin (b,a)')).toEqual({
      matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['a', 'b'] }],
    });
    expect(matches('env in (dev,prod)', { env: 'dev' })).toBe(true);
    expect(matches('env in (dev,prod)', {})).toBe(false);
    expect(matches('env notin (dev,prod)', {})).toBe(true);
    expect(matches('env notin (dev,prod)', { env: 'prod' })).toBe(false);
    expect(matches('env notin (dev,prod)', { env: 'qa' })).toBe(true);
  });

  it('reads a bare key as Exists and !key as DoesNotExist', () => {
    expect(parse('canary')).toEqual({ matchExpressions: [{ key: 'canary', operator: 'Exists' }] });
    expect(parse('!canary')).toEqual({
      matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }],
    });
    expect(parse('! canary')).toEqual(parse('!canary'));
    expect(matches('canary', { canary: '' })).toBe(true);
    expect(matches('canary', {})).toBe(false);
    expect(matches('!canary', {})).toBe(true);
    expect(matches('!canary', { canary: 'x' })).toBe(false);
  });

  it('ANDs comma-separated requirements', () => {
    const sel = parse('app=web,tier in (fe,be),!legacy,canary');
    expect(sel).toEqual({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['be', 'fe'] },
        { key: 'legacy', operator: 'DoesNotExist' },
        { key: 'canary', operator: 'Exists' },
      ],
    });
    expect(
      matches('app=web,tier in (fe,be),!legacy,canary', { app: 'web', tier: 'fe', canary: 'y' }),
    ).toBe(true);
    expect(matches('app=web,tier in (fe,be),!legacy,canary', { app: 'web', tier: 'fe' })).toBe(
      false,
    );
    expect(
      matches('app=web,tier in (fe,be),!legacy,canary', {
        app: 'web',
        tier: 'fe',
        canary: 'y',
        legacy: 'y',
      }),
    ).toBe(false);
  });

  it('keeps two equalities on one key as two requirements (they AND)', () => {
    expect(parse('a=b,a=c')).toEqual({
      matchLabels: { a: 'b' },
      matchExpressions: [{ key: 'a', operator: 'In', values: ['c'] }],
    });
    expect(matches('a=b,a=c', { a: 'b' })).toBe(false);
    expect(matches('a=b,a=c', { a: 'c' })).toBe(false);
    expect(matches('a=b,a=b', { a: 'b' })).toBe(true);
  });

  it('skips spaces, tabs, CR and LF between tokens', () => {
    const expected: LabelSelector = {
      matchLabels: { a: 'b' },
      matchExpressions: [{ key: 'c', operator: 'In', values: ['x', 'y'] }],
    };
    expect(parse(' a = b , c in ( x , y ) ')).toEqual(expected);
    expect(parse('a\t=\tb,\r\nc\nin\n(x,y)')).toEqual(expected);
    expect(parse('a=b,c in(x,y)')).toEqual(expected);
  });

  it('treats in and notin as keywords only where an operator stands', () => {
    expect(parse('in in (in)')).toEqual({
      matchExpressions: [{ key: 'in', operator: 'In', values: ['in'] }],
    });
    expect(parse('notin notin (notin, in)')).toEqual({
      matchExpressions: [{ key: 'notin', operator: 'NotIn', values: ['in', 'notin'] }],
    });
    expect(parse('a=in')).toEqual({ matchLabels: { a: 'in' } });
    expect(parse('in')).toEqual({ matchExpressions: [{ key: 'in', operator: 'Exists' }] });
  });

  it('reads the empty value where apimachinery does', () => {
    expect(parse('a=')).toEqual({ matchLabels: { a: '' } });
    expect(parse('a=,b')).toEqual({
      matchLabels: { a: '' },
      matchExpressions: [{ key: 'b', operator: 'Exists' }],
    });
    expect(parse('a!=')).toEqual({
      matchExpressions: [{ key: 'a', operator: 'NotIn', values: [''] }],
    });
    // parseValues / parseIdentifiersList: "()" and stray commas stand for "".
    const values = (text: string) => parse(text).matchExpressions?.[0]?.values;
    expect(values('a in ()')).toEqual(['']);
    expect(values('a in (,)')).toEqual(['']);
    expect(values('a in (,x)')).toEqual(['', 'x']);
    expect(values('a in (x,)')).toEqual(['', 'x']);
    expect(values('a in (x,,y)')).toEqual(['', 'x', 'y']);
    expect(values('a in (x,y)')).toEqual(['x', 'y']);
    expect(matches('a=', { a: '' })).toBe(true);
    expect(matches('a=', {})).toBe(false);
    expect(matches('a in ()', { a: '' })).toBe(true);
    expect(matches('a in ()', { a: 'x' })).toBe(false);
  });

  it('accepts prefixed keys and the full value alphabet', () => {
    expect(parse('app.kubernetes.io/name=my_app-1.2')).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'my_app-1.2' },
    });
  });
});

describe('kubectl selector strings: errors say what and where', () => {
  it.each([
    // [input, column, message fragment]
    ['a=b,', 5, 'found end of selector, expected a label key or "!" after ","'],
    ['a=b,,c', 5, 'found ",", expected a label key or "!" after ","'],
    [',a', 1, 'found ",", expected a label key, "!" or the end of the selector'],
    ['(a)', 1, 'found "("'],
    ['a b', 3, 'found "b" after label key "a", expected an operator (=, ==, !=, in, notin)'],
    ['a!b', 2, 'found "!" after label key "a"'],
    ['a in x', 6, 'found "x", expected "("'],
    ['a in (x y)', 9, 'found "y", expected "," or ")"'],
    ['a in (x', 8, 'found end of selector, expected "," or ")"'],
    ['a in (=)', 7, 'found "=", expected a value, "," or ")"'],
    ['a in (x,=)', 9, 'found "=", expected a value or ","'],
    ['a=(b)', 3, 'found "(", expected a value'],
    ['a===b', 4, 'found "=", expected a value'],
    ['a=b c', 5, 'found "c", expected "," or the end of the selector'],
    ['!a=b', 3, 'found "=", expected "," or the end of the selector'],
    ['!', 2, 'found end of selector, expected a label key'],
    ['!,a', 2, 'found ",", expected a label key'],
    ['a>1', 2, '">" (integer comparison) is not supported'],
    ['a<1', 2, '"<" (integer comparison) is not supported'],
    // Keys and values are validated as labels (labelKeyProblem / labelValueProblem).
    ['-a=b', 1, 'label key "-a" is not valid'],
    ['Example.com/a=b', 1, 'label key "Example.com/a" has an invalid prefix'],
    [`${'k'.repeat(64)}`, 1, 'is not valid'],
    ['a=-b', 3, 'label value "-b" is not valid'],
    ['a in (x, y_)', 10, 'label value "y_" is not valid'],
    [`a=${'v'.repeat(64)}`, 3, 'is not valid'],
  ])('%s fails at column %i', (input, column, fragment) => {
    const err = parseError(input);
    expect(err.column).toBe(column);
    expect(err.error).toContain(fragment);
    expect(err.error.endsWith(` at column ${column}`)).toBe(true);
  });

  it('reports a syntax error in a value list before a bad value, as NewRequirement runs last', () => {
    expect(parseError('a in (-y, z w)').column).toBe(13);
  });
});

describe('kubectl selector strings: properties (seeded)', () => {
  const KEYS = ['app', 'tier', 'in', 'example.com/team'];
  const VALUES = ['', 'web', 'db', 'in', 'notin', 'v-1'];

  /** A reference reading of one requirement, written straight from selector.go's Matches. */
  interface Req {
    key: string;
    op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!';
    values: string[];
  }
  function reference(reqs: Req[], labels: Labels): boolean {
    return reqs.every(({ key, op, values }) => {
      const has = Object.hasOwn(labels, key);
      const v = labels[key];
      switch (op) {
        case '=':
        case 'in':
          return has && values.includes(v!);
        case '!=':
        case 'notin':
          return !has || !values.includes(v!);
        case 'exists':
          return has;
        case '!':
          return !has;
      }
    });
  }
  function spell(r: () => number, req: Req): string {
    const sp = () => pick(r, ['', ' ', '\t', '\n']);
    switch (req.op) {
      case '=':
        return `${req.key}${sp()}${pick(r, ['=', '=='])}${sp()}${req.values[0]}`;
      case '!=':
        return `${req.key}${sp()}!=${sp()}${req.values[0]}`;
      case 'in':
      case 'notin':
        // `in`/`notin` need whitespace around them, or they would glue onto the key.
        return `${req.key} ${req.op}${sp()}(${req.values.join(`${sp()},${sp()}`)})`;
      case 'exists':
        return req.key;
      case '!':
        return `!${sp()}${req.key}`;
    }
  }

  it('parsed selectors match exactly what the requirements say, and survive formatting', () => {
    const r = rng(42);
    for (let i = 0; i < 1000; i++) {
      const reqs: Req[] = Array.from({ length: 1 + Math.floor(r() * 4) }, () => {
        const op = pick(r, ['=', '!=', 'in', 'notin', 'exists', '!'] as const);
        const n =
          op === 'in' || op === 'notin'
            ? 1 + Math.floor(r() * 3)
            : op === '=' || op === '!='
              ? 1
              : 0;
        // Only non-empty values inside (...): an empty one there needs the comma spelling.
        const pool = op === 'in' || op === 'notin' ? VALUES.filter((v) => v !== '') : VALUES;
        return { key: pick(r, KEYS), op, values: Array.from({ length: n }, () => pick(r, pool)) };
      });
      const text = reqs.map((q) => spell(r, q)).join(`${pick(r, ['', ' '])},${pick(r, ['', ' '])}`);
      const result = parseKubectlSelector(text);
      expect(result.ok, `${JSON.stringify(text)}: ${result.ok ? '' : result.error}`).toBe(true);
      if (!result.ok) continue;
      const reformatted = parse(formatLabelSelector(result.selector));
      for (let j = 0; j < 10; j++) {
        const labels: Labels = {};
        for (const k of KEYS) if (r() < 0.6) labels[k] = pick(r, VALUES);
        const expected = reference(reqs, labels);
        expect(matchesLabelSelector(labels, result.selector), text).toBe(expected);
        expect(matchesLabelSelector(labels, reformatted), text).toBe(expected);
      }
    }
  });
});
