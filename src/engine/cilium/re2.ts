/**
 * The regular expressions of Cilium HTTP rules (`path`, `method`, `host`), compiled and matched as
 * Cilium compiles and matches them: RE2 syntax, whole-value match, linear time.
 *
 * Sources:
 * - cilium/cilium pkg/policy/api/http.go `PortRuleHTTP.Sanitize`: `path` and `method` must compile
 *   with Go's `regexp.Compile` (RE2 syntax), or the policy is refused.
 * - cilium/cilium pkg/envoy/server.go `getHTTPRule`: each field becomes an Envoy `HeaderMatcher`
 *   with a `safe_regex_match` whose engine is Google RE2.
 * - envoyproxy/envoy api/envoy/type/matcher/v3/regex.proto `RegexMatcher.regex`: "The regex is
 *   matched against the full string, not as a partial match."
 *
 * The matcher is re2js (a JavaScript port of RE2/J, itself a port of Go's regexp): the same syntax
 * and the same refusals as Go (backreferences, lookaround, possessive quantifiers, unbalanced
 * groups, repeat counts over 1000, expressions too large), and NFA/DFA matching in time linear in
 * the input, so no pattern can make a verdict hang. Its `matches` is a whole-input match done by
 * anchoring the compiled program at both ends, never by wrapping the pattern's text, so a pattern
 * such as `/public)|(?:.*` cannot close a wrapper early: it is refused as unbalanced.
 */
import { RE2JS } from 're2js';

export type Re2Compiled =
  { readonly ok: true; readonly re: RE2JS } | { readonly ok: false; readonly problem: string };

const MAX_CACHE = 512;
const cache = new Map<string, Re2Compiled>();

function describe(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // re2js words it as Go does: "error parsing regexp: missing closing ): `(`"; the caller names
  // the pattern, so keep what is wrong and the offending piece, bounded.
  const msg = text.replace(/^error parsing regexp: /, '');
  return msg.length > 200 ? `${msg.slice(0, 200)}… (${msg.length - 200} more characters)` : msg;
}

/** Compiles an RE2 pattern (cached); a refusal carries Go's reason. */
export function compileRe2(pattern: string): Re2Compiled {
  let c = cache.get(pattern);
  if (c === undefined) {
    try {
      c = { ok: true, re: RE2JS.compile(pattern) };
    } catch (e) {
      c = { ok: false, problem: describe(e) };
    }
    if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value as string);
    cache.set(pattern, c);
  }
  return c;
}

/** Why the pattern is not a valid RE2 expression, or null when it is. */
export function re2Problem(pattern: string): string | null {
  const c = compileRe2(pattern);
  return c.ok ? null : c.problem;
}

/**
 * Whether the pattern matches the whole value (Envoy `safe_regex_match`); undefined when the
 * pattern does not compile.
 */
export function re2FullMatch(pattern: string, value: string): boolean | undefined {
  const c = compileRe2(pattern);
  return c.ok ? c.re.matches(value) : undefined;
}

/** Whether the pattern matches a prefix of the value (anchored at the start only). */
export function re2PrefixMatch(pattern: string, value: string): boolean {
  const c = compileRe2(pattern);
  return c.ok ? c.re.matcher(value).lookingAt() : false;
}
