import { describe, expect, it } from 'vitest';
import { httpRuleMatches } from './http';
import { compileRe2, re2FullMatch, re2PrefixMatch, re2Problem } from './re2';

/** Thirty `a`s and a `!`: exponential for a backtracking engine on the patterns below. */
const EVIL_PATH = `/${'a'.repeat(30)}!`;

/** Runs `fn` and returns how long it took, in milliseconds. */
function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

describe('RE2 matching of Cilium HTTP rules', () => {
  it('matches nested quantifiers in linear time (no catastrophic backtracking)', () => {
    compileRe2('warm-up');
    const cases: [string, string][] = [
      ['/(a+)+', EVIL_PATH],
      ['/(a|a)*', EVIL_PATH],
      ['/(a|aa)*', EVIL_PATH],
      ['(G+)+', `${'G'.repeat(30)}!`],
      ['/(a+)+', `/${'a'.repeat(100_000)}!`],
    ];
    for (const [pattern, value] of cases) {
      let result: boolean | undefined;
      const ms = timed(() => (result = re2FullMatch(pattern, value)));
      expect(result, pattern).toBe(false);
      // A backtracking engine needs minutes for 2^30 paths; RE2 a few milliseconds.
      expect(ms, pattern).toBeLessThan(1000);
    }
    expect(re2FullMatch('/(a+)+', `/${'a'.repeat(30)}`)).toBe(true);
  });

  it('judges a ReDoS rule at once through the HTTP rule matcher', () => {
    let r: ReturnType<typeof httpRuleMatches> | undefined;
    const ms = timed(
      () =>
        (r = httpRuleMatches(
          { path: '/(a+)+', method: '(G+)+' },
          { method: 'GGG', path: EVIL_PATH },
        )),
    );
    expect(ms).toBeLessThan(1000);
    expect(r!.matches).toBe(false);
    expect(r!.mismatch).toBe(`path "${EVIL_PATH}" does not match "/(a+)+"`);
  });

  it('matches the whole value, as Envoy safe_regex does', () => {
    expect(re2FullMatch('/public', '/public')).toBe(true);
    expect(re2FullMatch('/public', '/public/x')).toBe(false);
    expect(re2FullMatch('/public', 'x/public')).toBe(false);
    expect(re2FullMatch('GET|HEAD', 'HEAD')).toBe(true);
    expect(re2FullMatch('GET|HEAD', 'GETHEAD')).toBe(false);
    expect(re2PrefixMatch('/public', '/public/x')).toBe(true);
    expect(re2PrefixMatch('/public', '/x')).toBe(false);
    // RE2-only syntax that JavaScript reads otherwise or not at all.
    expect(re2FullMatch('[[:alpha:]]+', 'abc')).toBe(true);
    expect(re2FullMatch('(?i)get', 'GET')).toBe(true);
    expect(re2FullMatch('\\Q/a.b\\E', '/a.b')).toBe(true);
    expect(re2FullMatch('\\Q/a.b\\E', '/axb')).toBe(false);
  });

  it('refuses what RE2 refuses, with its reason', () => {
    const refused: [string, RegExp][] = [
      ['/public)|(?:.*', /unexpected \)/],
      ['/api/(v1', /missing closing \)/],
      ['(a)\\1', /invalid escape sequence/],
      ['(?=a)a', /invalid or unsupported Perl syntax/],
      ['(?!DELETE).*', /invalid or unsupported Perl syntax/],
      ['(?<=a)b', /invalid named capture|invalid or unsupported Perl syntax/],
      ['a++', /invalid nested repetition operator/],
      ['a*+', /invalid nested repetition operator/],
      ['a{1001}', /invalid repeat count/],
      ['[z-a]', /invalid character class range/],
    ];
    for (const [pattern, reason] of refused) {
      expect(re2Problem(pattern), pattern).toMatch(reason);
      expect(re2FullMatch(pattern, 'a')).toBeUndefined();
    }
    expect(re2Problem('/api/v1/.*')).toBeNull();
  });

  it('never lets a pattern escape the whole-value anchoring', () => {
    // With `^(?:` + pattern + `)$`, this pattern closed the group early and allowed every path.
    const r = httpRuleMatches({ path: '/public)|(?:.*' }, { method: 'GET', path: '/admin/secret' });
    expect(r.matches).toBe(false);
    expect(r.mismatch).toMatch(/not a valid regular expression/);
    // Balanced alternations are scoped to the whole value too.
    expect(re2FullMatch('/public|/health', '/public/../admin')).toBe(false);
  });

  it('suggests a prefix rule that keeps an alternation grouped', () => {
    const r = httpRuleMatches({ path: '/a|/b' }, { method: 'GET', path: '/b/c' });
    expect(r.prefixOnly).toContain('"(?:/a|/b).*" would');
  });
});
