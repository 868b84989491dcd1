import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalSelector,
  compileSelector,
  evaluateSelector,
  namedPortIpSetName,
  parseCalicoSelector,
  prefixSelectorLabels,
  selectorIpSetName,
  selectorUniqueId,
  type SelectorEvalOptions,
  type SelectorNode,
} from './selector';
import { mulberry32 as rng, pickOne as pick } from '../random';

type Labels = Record<string, string>;

function parse(text: string) {
  const r = parseCalicoSelector(text);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${r.error}`);
  return r.selector;
}

function canon(text: string): string {
  return parse(text).canonical;
}

function parseError(text: string): { error: string; column: number } {
  const r = parseCalicoSelector(text);
  if (r.ok)
    throw new Error(`expected ${JSON.stringify(text)} to fail, got ${r.selector.canonical}`);
  return { error: r.error, column: r.column };
}

function matches(text: string, labels: Labels, opts?: SelectorEvalOptions): boolean {
  const { ast } = parse(text);
  const viaEval = evaluateSelector(ast, labels, opts);
  const viaCompiled = compileSelector(ast, opts)(labels);
  expect(viaCompiled, `compiled vs evaluated for ${text} on ${JSON.stringify(labels)}`).toBe(
    viaEval,
  );
  return viaEval;
}

/** What MakeUniqueID computes, with Node's own SHA-224 (libcalico-go/lib/hash/unique_id.go). */
function nodeUniqueId(prefix: string, content: string): string {
  const digest = createHash('sha224')
    .update(prefix + ':' + content, 'utf8')
    .digest('base64url');
  return `${prefix}:${digest}`;
}

describe('Calico selector: canonical form and unique ID (libcalico-go parser_test.go vectors)', () => {
  // These inputs, canonical strings and UIDs are the canonicalisationTests of
  // libcalico-go/lib/selector/parser/parser_test.go: Calico's own expected output.
  const vectors: [string, string, string?][] = [
    ['', 'all()', 's:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug'],
    [' all() ', 'all()', 's:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug'],
    [' (all() )', 'all()', 's:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug'],
    ['! (has( b)||! has(a ))', '!(has(b) || !has(a))', 's:Iss0uCleLYv1GSv_pNm7hAO58kE9jAx1NKyG3Q'],
    [
      '! (a == "b"&&! c != "d")',
      '!(a == "b" && !c != "d")',
      's:lh3haoY1ikTRkd4UZu0nWSaIBknYLPJLX16d-w',
    ],
    [`a == "'"`, `a == "'"`],
    [`a == '"'`, `a == '"'`],
    [`a contains '"'`, `a contains '"'`],
    [`a contains "'"`, `a contains "'"`],
    [`a startswith '"'`, `a starts with '"'`],
    [`a endswith "'"`, `a ends with "'"`],
    [`a!='"'`, `a != '"'`],
    ['a in {"d"}', 'a in {"d"}'],
    ['a in {"a", "b"}', 'a in {"a", "b"}'],
    ['a in {"d", "a", "b"}', 'a in {"a", "b", "d"}'],
    ['a in {"z", "x", "y", "a"}', 'a in {"a", "x", "y", "z"}'],
    ['a in {"z", "z", "x", "y", "x", "a"}', 'a in {"a", "x", "y", "z"}'],
  ];
  for (const [input, expected, uid] of vectors) {
    it(`${JSON.stringify(input)} -> ${expected}`, () => {
      const sel = parse(input);
      expect(sel.canonical).toBe(expected);
      expect(canon(sel.canonical)).toBe(expected);
      if (uid) expect(selectorUniqueId(sel.canonical)).toBe(uid);
    });
  }
});

describe('Calico selector: canonical form details (ast.go collectFragments)', () => {
  it.each([
    // Every && / || group is parenthesised, including the outermost one.
    ['a == "b" && c == "d"', '(a == "b" && c == "d")'],
    ['a == "b" || c == "d"', '(a == "b" || c == "d")'],
    ["a=='b'&&c=='d'&&e=='f'", '(a == "b" && c == "d" && e == "f")'],
    // && binds tighter than ||.
    ['a == "1" || b == "2" && c == "3"', '(a == "1" || (b == "2" && c == "3"))'],
    ['a == "1" && b == "2" || c == "3"', '((a == "1" && b == "2") || c == "3")'],
    ['(a == "1" || b == "2") && c == "3"', '((a == "1" || b == "2") && c == "3")'],
    // Explicit nesting of the same operator is kept, not flattened.
    ['a == "1" && (b == "2" && c == "3")', '(a == "1" && (b == "2" && c == "3"))'],
    // Redundant parentheses around a single term vanish.
    ['((a == "b"))', 'a == "b"'],
    ['(has(a))', 'has(a)'],
    // `!` is glued to its operand; a negated leaf prints without parentheses.
    ['!(k == "v")', '!k == "v"'],
    ['! k == "v"', '!k == "v"'],
    ['!has(a)', '!has(a)'],
    ['! has( a )', '!has(a)'],
    ['!!has(a)', 'has(a)'],
    ['!!!has(a)', '!has(a)'],
    ['!! ! has(a)', '!has(a)'],
    ['!(a == "b" || c == "d")', '!(a == "b" || c == "d")'],
    ['!all()', '!all()'],
    ['global()', 'global()'],
    [' global( ) ', 'global()'],
    ['all( )', 'all()'],
    // Quote style follows the value, not the input.
    ["a == 'b'", 'a == "b"'],
    [`a == 'say "hi"'`, `a == 'say "hi"'`],
    [`a == "it's"`, `a == "it's"`],
    ['a == ""', 'a == ""'],
    ['a != "x y"', 'a != "x y"'],
    // Sets: sorted by bytes, de-duplicated, ", " separated, per-value quoting.
    [`a in {"'", '"', "c"}`, `a in {'"', "'", "c"}`],
    ['a in {}', 'a in {}'],
    ['a not in {}', 'a not in {}'],
    ['a notin {"b"}', 'a not in {"b"}'],
    ['a not   in{"b","a"}', 'a not in {"a", "b"}'],
    ['a in {"x",}', 'a in {"x"}'],
    ['a in {"B", "a", "A", "b"}', 'a in {"A", "B", "a", "b"}'],
    ['a in {"10", "9", "1"}', 'a in {"1", "10", "9"}'],
    // Operators spelled without or with extra spaces.
    ['a starts  with "x"', 'a starts with "x"'],
    ['a ends\twith "x"', 'a ends with "x"'],
    ['a contains"x"', 'a contains "x"'],
    ['a in{"x"}', 'a in {"x"}'],
    ['a==""', 'a == ""'],
  ])('%s -> %s', (input, expected) => {
    expect(canon(input)).toBe(expected);
  });

  it('sorts set values in UTF-8 byte order as Go does, not UTF-16 order', () => {
    // U+FF01 is EF BC 81 in UTF-8 and U+1F600 is F0 9F 98 80, so Go sorts U+FF01 first; JavaScript's
    // default sort compares the surrogate 0xD83D with 0xFF01 and would put the emoji first.
    expect(canon('a in {"\u{1F600}", "\uFF01"}')).toBe('a in {"\uFF01", "\u{1F600}"}');
  });

  it('keeps the Calico quirk: a double negation through parentheses prints as "!!"', () => {
    // parser.go only collapses a run of "!" tokens; `!(!x)` is Not(Not(x)), printed `!!x`, which
    // parses back as x. Both spellings match the same labels but name different IP sets.
    const quirky = parse('!(!a == "b")');
    expect(quirky.canonical).toBe('!!a == "b"');
    expect(quirky.ast).toEqual({
      kind: 'not',
      operand: { kind: 'not', operand: { kind: 'eq', label: 'a', value: 'b' } },
    });
    expect(canon(quirky.canonical)).toBe('a == "b"');
    expect(selectorIpSetName(quirky.canonical)).not.toBe(selectorIpSetName('a == "b"'));
  });

  it('normalises the value set of a hand-built in-node', () => {
    const node: SelectorNode = {
      kind: 'in',
      label: 'projectcalico.org/serviceaccount',
      values: ['web', 'api', 'web'],
    };
    expect(canonicalSelector(node)).toBe('projectcalico.org/serviceaccount in {"api", "web"}');
  });

  it('builds plain, structured-cloneable ASTs', () => {
    const { ast } = parse('a == "b" && (has(c) || d not in {"x", "y"}) && !e starts with "z"');
    expect(structuredClone(ast)).toEqual(ast);
    expect(ast).toEqual({
      kind: 'and',
      operands: [
        { kind: 'eq', label: 'a', value: 'b' },
        {
          kind: 'or',
          operands: [
            { kind: 'has', label: 'c' },
            { kind: 'notIn', label: 'd', values: ['x', 'y'] },
          ],
        },
        { kind: 'not', operand: { kind: 'startsWith', label: 'e', value: 'z' } },
      ],
    });
  });
});

describe('Calico selector: tokenizer rules (tokenizer.go, tokenizer_test.go)', () => {
  it.each([
    ['contains contains "contains"', 'contains contains "contains"'],
    ["contains contains 'contains'", 'contains contains "contains"'],
    ['startswith starts with "value"', 'startswith starts with "value"'],
    ['endswith ends with "value"', 'endswith ends with "value"'],
    ['has(calico/k8s_NS-.1/role)', 'has(calico/k8s_NS-.1/role)'],
    [
      'calico/k8s_ns == "kube-system" && k8s-app == "kube-dns"',
      '(calico/k8s_ns == "kube-system" && k8s-app == "kube-dns")',
    ],
    [`a notin{"bar"}&&!has(foo)||b in{"c"}`, '((a not in {"bar"} && !has(foo)) || b in {"c"})'],
    // Keywords are only keywords where they can be: as labels they are ordinary names.
    ['has == "x"', 'has == "x"'],
    ['all == "x"', 'all == "x"'],
    ['global == "x"', 'global == "x"'],
    ['in in {"in"}', 'in in {"in"}'],
    ['not not in {"x"}', 'not not in {"x"}'],
    // Labels may start with a digit or a dash and contain dots and slashes.
    ['9-lives/x.y == "1"', '9-lives/x.y == "1"'],
    // Tabs count as spaces.
    ['\ta\t==\t"b"\t', 'a == "b"'],
    // String literals keep whatever they hold, including spaces and operator characters.
    ['a == "&& || ( ) { } !"', 'a == "&& || ( ) { } !"'],
  ])('%s -> %s', (input, expected) => {
    expect(canon(input)).toBe(expected);
  });

  it('accepts a label of exactly 512 characters and rejects 513', () => {
    const ok = 'k'.repeat(512);
    expect(canon(`has(${ok})`)).toBe(`has(${ok})`);
    expect(canon(`${ok} == "v"`)).toBe(`${ok} == "v"`);
    expect(parseError(`${'k'.repeat(513)} == "v"`)).toEqual({
      error: 'label is too long (at most 512 characters) at column 1',
      column: 1,
    });
    expect(parseError(`has(${'k'.repeat(513)})`).column).toBe(5);
  });
});

describe('Calico selector: errors say what and where', () => {
  // Every badSelectors entry of libcalico-go's parser_test.go must be rejected.
  it.each([
    'b == b',
    'b contains b',
    'b starts with b',
    'b ends with b',
    "'b1' == b",
    'b',
    'a b',
    '!',
    'foo == "bar" &',
    'foo == "bar" |',
    'foo != ||',
    'foo in {"", ||',
    'foo in ""',
    '"FOO',
    `"FOO'`,
    "'FOO",
    '(',
    '(a == "foo"',
    ')',
    '()',
    '%',
    'a == "b" && %',
    'a == "b" || %',
    'a ',
    'has(foo) &&',
    // tokenizer_test.go error cases.
    'label starts foo "value"',
    'label ends foo "value"',
    'label squiggles "value"',
  ])('rejects %s', (input) => {
    const { error, column } = parseError(input);
    expect(error).toMatch(/ at column \d+$/);
    expect(column).toBeGreaterThanOrEqual(1);
    expect(column).toBeLessThanOrEqual(input.length + 1);
  });

  it.each([
    // [input, column, message fragment]
    ['a in {"x"', 10, 'expected "}" to close the "{" from column 6, found end of selector'],
    ['a in {"x" "y"}', 11, 'expected "}" to close the "{" from column 6, found string "y"'],
    ['a in {,}', 7, 'expected "}"'],
    ['a in "x"', 6, 'expected "{" to start the set after "in", found string "x"'],
    ['a not in ("x")', 10, 'expected "{" to start the set after "not in"'],
    ['a == b', 6, 'expected a quoted string after "==", found label "b"'],
    ['a == ', 6, 'expected a quoted string after "==", found end of selector'],
    ['a = "b"', 3, 'expected "=="'],
    ['a == "b" & c == "d"', 10, 'expected "&&"'],
    ['a == "b" | c == "d"', 10, 'expected "||"'],
    ['a == "unterminated', 6, 'unterminated string (no closing ")'],
    ["a == 'unterminated", 6, "unterminated string (no closing ')"],
    ['(a == "x"', 10, 'expected ")" to close the "(" from column 1, found end of selector'],
    ['a == "x")', 9, 'unexpected ")" after a complete expression'],
    ['a == "x" has(b)', 10, 'unexpected has(b) after a complete expression'],
    ['a b', 3, 'expected an operator (==, !=, in, not in, contains, starts with, ends with)'],
    ['a inx {}', 3, 'after label "a"'],
    ['a containsx "y"', 3, 'after label "a"'],
    ['a', 2, 'unexpected end of selector: expected an operator'],
    ['x == "y" && a', 14, 'unexpected end of selector'],
    ['(a)', 3, 'after label "a", found ")"'],
    ['!', 2, 'unexpected end of selector'],
    ['a == "b" &&', 12, 'unexpected end of selector'],
    ['&& a == "b"', 1, 'unexpected "&&"'],
    ['%', 1, 'unexpected character "%"'],
    ['a == "é" && é == "x"', 13, 'unexpected character "é"'],
    ['has(a', 6, 'expected ")" to close the "has(" from column 1'],
    ['has()', 5, 'expected a label name, found character ")"'],
    ['has (a)', 5, 'after label "has"'],
    ['all(x)', 5, 'expected ")" to close the "all(" from column 1'],
    ['global(', 8, 'expected ")" to close the "global(" from column 1'],
    ['all() == "x"', 7, 'unexpected "==" after a complete expression'],
    // Only spaces and tabs separate tokens in Calico's tokenizer.
    ['a == "b" &&\nc == "d"', 12, 'unexpected newline (only spaces and tabs may separate tokens)'],
    ['a ==\r\n"b"', 5, 'carriage return'],
  ])('%s fails at column %i', (input, column, fragment) => {
    const err = parseError(input);
    expect(err.column).toBe(column);
    expect(err.error).toContain(fragment);
    expect(err.error.endsWith(` at column ${column}`)).toBe(true);
  });

  it('reports a tokenizer error even when a parse error comes earlier, as Calico does', () => {
    // Calico tokenizes the whole text before parsing, so `%` wins over the missing operand.
    expect(parseError('a == && %').column).toBe(9);
  });

  it('treats the empty and the blank selector as all()', () => {
    for (const text of ['', ' ', '\t \t']) {
      const sel = parse(text);
      expect(sel.ast).toEqual({ kind: 'all' });
      expect(sel.canonical).toBe('all()');
    }
  });
});

describe('Calico selector: evaluation (ast.go Evaluate)', () => {
  // selectorTests of libcalico-go's parser_test.go: [selector, must match, must not match].
  const table: [string, Labels[], Labels[]][] = [
    ['a == "b"', [{ a: 'b' }, { a: 'b', c: 'd' }], [{}, { a: 'c' }, { c: 'd' }]],
    [
      'a == "b" && c == "d"',
      [{ a: 'b', c: 'd' }],
      [{}, { a: 'b', c: 'e' }, { a: 'c', c: 'd' }, { c: 'd' }, { a: 'b' }],
    ],
    [
      'a == "b" || c == "d"',
      [{ a: 'b', c: 'd' }, { a: 'b' }, { c: 'd' }],
      [{}, { a: 'e', c: 'e' }, { c: 'e' }, { a: 'e' }],
    ],
    [`a in {"'", '"', "c"}`, [{ a: 'c' }, { a: '"' }, { a: "'" }], [{}, { a: 'e' }]],
    [`a not in {"'", '"', "c"}`, [{}, { a: 'e' }], [{ a: 'c' }, { a: '"' }, { a: "'" }]],
    ['a != "b"', [{ a: 'a' }, {}], [{ a: 'b' }]],
    [
      'a contains "a"',
      [{ a: 'a' }, { a: 'bab' }, { a: 'aaa', b: 'c' }],
      [{}, { a: 'b' }, { b: 'aaa' }],
    ],
    [
      'a starts with "a"',
      [{ a: 'a' }, { a: 'abb' }, { a: 'aaa', b: 'c' }],
      [{}, { a: 'b' }, { a: 'baa' }, { b: 'aaa' }],
    ],
    [
      'a ends with "a"',
      [{ a: 'a' }, { a: 'bba' }, { a: 'aaa', b: 'c' }],
      [{}, { a: 'b' }, { a: 'aab' }, { b: 'aaa' }],
    ],
    ['!a in {"a"}', [{ a: 'b' }, {}], [{ a: 'a' }]],
    ['a in {"a", "b"}', [{ a: 'a' }, { a: 'b' }], [{ a: 'c' }, {}]],
    ['a not in {"d", "e"}', [{ a: 'a' }, {}], [{ a: 'd' }]],
    ['has(a)', [{ a: 'b' }, { a: '' }], [{ b: 'b' }, {}]],
    ['!has(a)', [{ b: 'b' }, {}], [{ a: 'b' }, { a: '' }]],
    ['', [{}, { a: 'b' }], []],
    ['all()', [{}, { a: 'b' }], []],
    ['global()', [{}, { a: 'b' }], []],
    ['!!has(b)', [{ b: '' }], [{ a: 'b' }]],
    ['!!! has(a)', [{ b: 'b' }], [{ a: 'b' }]],
    ["a == 'a1' && b != 'b1'", [{ a: 'a1' }, { a: 'a1', b: 'x' }], [{ a: 'a1', b: 'b1' }]],
    ["!a == 'a1' && b == 'b1'", [{ b: 'b1' }, { a: 'x', b: 'b1' }], [{ a: 'a1', b: 'b1' }]],
    ['has(a) && !has(b)', [{ a: 'a' }], [{ a: 'a', b: 'b' }, {}]],
    ['!(!has(a) || has(b))', [{ a: 'a' }], [{ a: 'a', b: 'b' }, {}]],
    ["a != 'a1' || b != 'b1'", [{ a: 'a1' }, {}], [{ a: 'a1', b: 'b1' }]],
    ["! a == 'a1' || ! b == 'b1'", [{ a: 'a1' }], [{ a: 'a1', b: 'b1' }]],
    // Empty sets: `in {}` never matches, `not in {}` always does.
    ['a in {}', [], [{}, { a: '' }, { a: 'x' }]],
    ['a not in {}', [{}, { a: '' }, { a: 'x' }], []],
    // An empty literal is a real value, distinct from "absent".
    ['a == ""', [{ a: '' }], [{}, { a: 'x' }]],
    ['a != ""', [{}, { a: 'x' }], [{ a: '' }]],
    ['a contains ""', [{ a: '' }, { a: 'x' }], [{}]],
    ['a starts with ""', [{ a: '' }], [{}]],
    // Precedence: && before ||.
    [
      'a == "1" || b == "2" && c == "3"',
      [{ a: '1' }, { b: '2', c: '3' }],
      [{ b: '2' }, { c: '3' }],
    ],
    [
      '(a == "1" || b == "2") && c == "3"',
      [
        { a: '1', c: '3' },
        { b: '2', c: '3' },
      ],
      [{ a: '1' }],
    ],
    // Many values go through the compiled matcher's Set path.
    [
      'a in {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}',
      [{ a: '1' }, { a: '10' }],
      [{ a: '11' }, {}],
    ],
    ['a not in {"1", "2", "3", "4", "5", "6", "7", "8", "9"}', [{ a: '0' }, {}], [{ a: '9' }]],
  ];
  for (const [sel, yes, no] of table) {
    it(sel || '(empty)', () => {
      for (const labels of yes) expect(matches(sel, labels), JSON.stringify(labels)).toBe(true);
      for (const labels of no) expect(matches(sel, labels), JSON.stringify(labels)).toBe(false);
      // ...and the same after a round trip through the canonical form.
      const again = canon(canon(sel));
      for (const labels of yes) expect(matches(again, labels)).toBe(true);
      for (const labels of no) expect(matches(again, labels)).toBe(false);
    });
  }

  it('never mistakes an inherited property for a label', () => {
    for (const key of ['constructor', 'toString', 'hasOwnProperty']) {
      expect(matches(`has(${key})`, {})).toBe(false);
      expect(matches(`${key} != "x"`, {})).toBe(true);
      expect(matches(`${key} not in {"x"}`, {})).toBe(true);
      expect(matches(`${key} contains ""`, {})).toBe(false);
      expect(matches(`has(${key})`, { [key]: 'v' })).toBe(true);
    }
    const bare = Object.create(null) as Labels;
    bare['a'] = 'b';
    expect(matches('a == "b" && !has(constructor)', bare)).toBe(true);
  });

  it('gives all() and global() their namespaceSelector meaning when asked (updateprocessors/rules.go)', () => {
    const namespaced: SelectorEvalOptions = { namespaceSelectorFor: 'namespaced' };
    const global: SelectorEvalOptions = { namespaceSelectorFor: 'non-namespaced' };
    // all() -> has(projectcalico.org/namespace): namespaced resources only.
    expect(matches('all()', { team: 'a' }, namespaced)).toBe(true);
    expect(matches('all()', {}, global)).toBe(false);
    // global() -> !has(projectcalico.org/namespace): GlobalNetworkSets and host endpoints only.
    expect(matches('global()', {}, global)).toBe(true);
    expect(matches('global()', { team: 'a' }, namespaced)).toBe(false);
    // Combined with label tests, evaluated against the namespace's labels (none for global).
    expect(matches('global() || team == "a"', { team: 'a' }, namespaced)).toBe(true);
    expect(matches('global() || team == "a"', { team: 'b' }, namespaced)).toBe(false);
    expect(matches('global() || team == "a"', {}, global)).toBe(true);
    // Without the option both simply match (ast.go AllNode/GlobalNode.Evaluate).
    expect(matches('global()', { x: 'y' })).toBe(true);
    expect(matches('!global()', {})).toBe(false);
  });
});

describe('Calico selector: label prefixing (ast.go PrefixVisitor, parser_test.go Visitor tests)', () => {
  it.each([
    ["k == 'v'", 'visited/k == "v"'],
    ["k != 'v'", 'visited/k != "v"'],
    ["k contains 'v'", 'visited/k contains "v"'],
    ["k starts with 'v'", 'visited/k starts with "v"'],
    ["k ends with 'v'", 'visited/k ends with "v"'],
    ["k == 'v' && x == 'y'", '(visited/k == "v" && visited/x == "y")'],
    ["k == 'v' || has(x)", '(visited/k == "v" || has(visited/x))'],
    ["!(k == 'v')", '!visited/k == "v"'],
    ["k in {'v'}", 'visited/k in {"v"}'],
    ["k not in {'v'}", 'visited/k not in {"v"}'],
    [
      "!(!(k == 'v' && has(t) || all()) && (a in {'b', 'c'}))",
      '!(!((visited/k == "v" && has(visited/t)) || all()) && visited/a in {"b", "c"})',
    ],
  ])('%s -> %s', (input, expected) => {
    expect(canonicalSelector(prefixSelectorLabels(parse(input).ast, 'visited/'))).toBe(expected);
  });
});

describe('Calico selector: IP set names (felix/ipsets/ipset_defs.go, libcalico-go/lib/hash)', () => {
  it('computes the unique ID as MakeUniqueID("s", canonical) does', () => {
    for (const text of ['all()', 'app == "web"', '(a == "b" && has(c))', 'x in {"é", "ü"}']) {
      expect(selectorUniqueId(text)).toBe(nodeUniqueId('s', text));
    }
  });

  it('names the IP set cali40s: + the ID, cut to 31 characters', () => {
    const canonical = canon('role == "db"');
    const name = selectorIpSetName(canonical);
    expect(name).toHaveLength(31);
    expect(name).toMatch(/^cali40s:[A-Za-z0-9_-]{23}$/);
    expect(name).toBe(('cali40' + nodeUniqueId('s', canonical)).slice(0, 31));
    // Calico's own UID vector for all(): s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug.
    expect(selectorIpSetName('all()')).toBe('cali40s:5y5I3VdRZfDU01O--xXAPx2');
  });

  it('uses cali60s: for IPv6 with the same hash', () => {
    const v4 = selectorIpSetName('has(a)', 4);
    const v6 = selectorIpSetName('has(a)', 6);
    expect(v6).toMatch(/^cali60s:[A-Za-z0-9_-]{23}$/);
    expect(v6.slice(6)).toBe(v4.slice(6));
  });

  it('is deterministic and shared by every spelling of the same selector', () => {
    const spellings = [
      "app=='web'&&tier in {'b','a'}",
      'app == "web" && tier in {"a", "b", "a"}',
      '  ( app == "web" )  &&  tier  in  { "a" , "b" , }  ',
    ];
    const names = spellings.map((s) => selectorIpSetName(canon(s)));
    expect(new Set(names).size).toBe(1);
    expect(selectorIpSetName(canon(spellings[0]!))).toBe(names[0]);
    // A different selector (even a logically equal one with operands swapped) gets another set.
    expect(selectorIpSetName(canon('tier in {"a", "b"} && app == "web"'))).not.toBe(names[0]);
    expect(selectorIpSetName(canon('app == "api" && tier in {"a", "b"}'))).not.toBe(names[0]);
  });

  it('names named-port IP sets cali40n: + MakeUniqueID("n", selectorID,protocol,port)', () => {
    const canonical = canon('app == "web"');
    const name = namedPortIpSetName(canonical, 'TCP', 'http');
    expect(name).toMatch(/^cali40n:[A-Za-z0-9_-]{23}$/);
    const expected = nodeUniqueId('n', `${nodeUniqueId('s', canonical)},tcp,http`);
    expect(name).toBe(('cali40' + expected).slice(0, 31));
    expect(namedPortIpSetName(canonical, 'UDP', 'http')).not.toBe(name);
    expect(namedPortIpSetName(canonical, 'TCP', 'http', 6)).toMatch(/^cali60n:/);
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests: random selectors, random spellings (seeded, so failures reproduce).
// ---------------------------------------------------------------------------------------------

const LABELS = ['app', 'tier', 'k8s-app', 'projectcalico.org/namespace', 'x.y/z_1', 'in', 'has'];
const VALUES = ['', 'web', 'db', 'a b', "it's", 'say "hi"', 'web-1', 'in', '{}', '&&'];

/** A random AST as the parser could build it (no Not(Not(..)): see the quirk test above). */
function randomNode(r: () => number, depth: number): SelectorNode {
  const leafOnly = depth <= 0;
  const roll = r();
  if (leafOnly || roll < 0.55) {
    const label = pick(r, LABELS);
    const k = Math.floor(r() * 10);
    if (k === 0) return { kind: 'has', label };
    if (k === 1) return r() < 0.5 ? { kind: 'all' } : { kind: 'global' };
    if (k <= 3) {
      const values = Array.from({ length: Math.floor(r() * 4) }, () => pick(r, VALUES));
      const uniq = [...new Set(values)].sort();
      return { kind: r() < 0.5 ? 'in' : 'notIn', label, values: uniq };
    }
    const kind = pick(r, ['eq', 'ne', 'contains', 'startsWith', 'endsWith'] as const);
    return { kind, label, value: pick(r, VALUES) };
  }
  if (roll < 0.7) {
    let operand = randomNode(r, depth - 1);
    if (operand.kind === 'not') operand = operand.operand;
    return { kind: 'not', operand };
  }
  const n = 2 + Math.floor(r() * 3);
  return {
    kind: roll < 0.85 ? 'and' : 'or',
    operands: Array.from({ length: n }, () => randomNode(r, depth - 1)),
  };
}

/** Prints a node the way a person might: any quotes, spacing, redundant parens and `!!`. */
function randomSpelling(
  r: () => number,
  node: SelectorNode,
  ctx: 'top' | 'and' | 'or' | 'not',
): string {
  const sp = () => pick(r, ['', ' ', '  ', '\t']);
  const sp1 = () => pick(r, [' ', '  ', '\t']);
  const q = (v: string) =>
    v.includes('"') ? `'${v}'` : v.includes("'") ? `"${v}"` : pick(r, [`"${v}"`, `'${v}'`]);
  const maybeParen = (s: string) => (r() < 0.2 ? `(${sp()}${s}${sp()})` : s);
  const maybeDoubleNot = (s: string) => (r() < 0.1 ? `!${sp()}!${sp()}${s}` : s);
  let text: string;
  switch (node.kind) {
    case 'all':
      text = `all(${sp()})`;
      break;
    case 'global':
      text = `global(${sp()})`;
      break;
    case 'has':
      text = `has(${sp()}${node.label}${sp()})`;
      break;
    case 'eq':
    case 'ne':
    case 'contains':
    case 'startsWith':
    case 'endsWith': {
      const op = {
        eq: '==',
        ne: '!=',
        contains: 'contains',
        startsWith: pick(r, ['starts with', 'startswith', 'starts  with']),
        endsWith: pick(r, ['ends with', 'endswith']),
      }[node.kind];
      const symbolic = node.kind === 'eq' || node.kind === 'ne';
      text = `${node.label}${symbolic ? sp() : sp1()}${op}${sp()}${q(node.value)}`;
      break;
    }
    case 'in':
    case 'notIn': {
      const op = node.kind === 'in' ? 'in' : pick(r, ['not in', 'notin', 'not  in']);
      const vals = [...node.values].reverse().map(q);
      if (vals.length > 0 && r() < 0.3) vals.push(q(node.values[0]!)); // a duplicate
      const trailing = vals.length > 0 && r() < 0.2 ? ',' : '';
      text = `${node.label}${sp1()}${op}${sp()}{${sp()}${vals.join(`${sp()},${sp()}`)}${trailing}${sp()}}`;
      break;
    }
    case 'not':
      text = `!${sp()}${randomSpelling(r, node.operand, 'not')}`;
      break;
    case 'and':
    case 'or': {
      const sep = node.kind === 'and' ? '&&' : '||';
      const inner = node.operands
        .map((op) => randomSpelling(r, op, node.kind))
        .join(`${sp()}${sep}${sp()}`);
      // Parentheses are needed unless precedence already groups the operands the same way.
      const needed = ctx === 'not' || ctx === node.kind || (ctx === 'and' && node.kind === 'or');
      return needed || r() < 0.5 ? `(${sp()}${inner}${sp()})` : inner;
    }
  }
  return maybeDoubleNot(maybeParen(text));
}

function randomLabels(r: () => number): Labels {
  const out: Labels = {};
  for (const label of LABELS) if (r() < 0.5) out[label] = pick(r, VALUES);
  return out;
}

describe('Calico selector: properties (seeded)', () => {
  it('parse(canonical(x)) rebuilds x and prints the same canonical form', () => {
    const r = rng(20240601);
    for (let i = 0; i < 2000; i++) {
      const node = randomNode(r, 4);
      const canonical = canonicalSelector(node);
      const reparsed = parse(canonical);
      expect(reparsed.ast, canonical).toEqual(node);
      expect(reparsed.canonical).toBe(canonical);
    }
  });

  it('every random spelling parses to the same canonical form and IP set', () => {
    const r = rng(7);
    for (let i = 0; i < 2000; i++) {
      const node = randomNode(r, 3);
      const spelling = randomSpelling(r, node, 'top');
      const result = parseCalicoSelector(spelling);
      expect(result.ok, `${spelling}: ${result.ok ? '' : result.error}`).toBe(true);
      if (!result.ok) continue;
      expect(result.selector.canonical, spelling).toBe(canonicalSelector(node));
      expect(selectorIpSetName(result.selector.canonical)).toBe(
        selectorIpSetName(canonicalSelector(node)),
      );
    }
  });

  it('compiled matchers agree with the evaluator, before and after a round trip', () => {
    const r = rng(99);
    const scopes: (SelectorEvalOptions | undefined)[] = [
      undefined,
      { namespaceSelectorFor: 'namespaced' },
      { namespaceSelectorFor: 'non-namespaced' },
    ];
    for (let i = 0; i < 500; i++) {
      const node = randomNode(r, 4);
      const opts = pick(r, scopes);
      const compiled = compileSelector(node, opts);
      const roundTripped = parse(canonicalSelector(node)).ast;
      for (let j = 0; j < 20; j++) {
        const labels = randomLabels(r);
        const expected = evaluateSelector(node, labels, opts);
        expect(compiled(labels)).toBe(expected);
        expect(evaluateSelector(roundTripped, labels, opts)).toBe(expected);
      }
    }
  });

  it('canonicalisation settles after one round even with double negations', () => {
    const r = rng(3);
    for (let i = 0; i < 500; i++) {
      const inner = randomNode(r, 2);
      const node: SelectorNode = { kind: 'not', operand: { kind: 'not', operand: inner } };
      const once = parse(canonicalSelector(node)).canonical;
      expect(parse(once).canonical).toBe(once);
      const labels = randomLabels(r);
      expect(evaluateSelector(parse(once).ast, labels)).toBe(evaluateSelector(node, labels));
    }
  });

  it('parses a large selector', () => {
    const terms = Array.from({ length: 5000 }, (_, i) => `k${i} == "v${i}"`);
    const sel = parse(terms.join(' || '));
    expect(sel.ast.kind).toBe('or');
    expect(matches(terms.join(' || '), { k4999: 'v4999' })).toBe(true);
  });
});
