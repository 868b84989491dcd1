/**
 * HTTP rules of CiliumNetworkPolicy `toPorts[].rules.http`, judged as Cilium's Envoy proxy judges
 * them.
 *
 * Sources (cilium/cilium):
 * - pkg/policy/api/http.go: `path`, `method` and `host` are regular expressions ("extended POSIX
 *   regex" in the API doc); `headers` lists headers that must be present; `headerMatches` names a
 *   header and optionally the value it must have.
 * - pkg/envoy/server.go `getHTTPRule`: `path` becomes a `:path` header matcher, `method` a `:method`
 *   one and `host` an `:authority` one, each a RE2 `safe_regex_match`, which Envoy applies to the
 *   whole value (so `/` allows only `/`, not `/public`). A `headers` entry `"X-Key: value"` is split
 *   at the first space into a name (trailing `:` removed) that must have exactly that value;
 *   `"X-Key"` alone only needs the header to be present. A `headerMatches` entry without a value
 *   needs the header present, with one its exact value.
 * - A request is allowed when at least one HTTP rule matches all of its fields
 *   (Documentation/security/policy/layer7.rst: "A layer 7 request is permitted if at least one of
 *   the rules matches"); a refused request gets `403 Access denied` from the proxy.
 *
 * The patterns are compiled and matched with RE2 semantics, whole value, in linear time (re2.ts).
 */
import type { CiliumHttpRule, HttpRequest } from '../model';
import { re2FullMatch, re2PrefixMatch, re2Problem } from './re2';

export const ACCESS_DENIED_STATUS = 403;
export const ACCESS_DENIED_BODY = 'Access denied';

function headerValue(req: HttpRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    if (k.toLowerCase() === wanted) return v;
  }
  return undefined;
}

/** A header requirement after `getHTTPRule`'s parsing. */
interface HeaderRequirement {
  readonly name: string;
  /** undefined: presence only. */
  readonly value?: string;
}

function headerRequirements(rule: CiliumHttpRule): HeaderRequirement[] {
  const out: HeaderRequirement[] = [];
  for (const h of rule.headers ?? []) {
    const space = h.indexOf(' ');
    if (space >= 0) {
      out.push({ name: h.slice(0, space).replace(/:+$/, ''), value: h.slice(space + 1) });
    } else {
      out.push({ name: h });
    }
  }
  for (const h of rule.headerMatches ?? []) {
    out.push(h.value ? { name: h.name, value: h.value } : { name: h.name });
  }
  return out;
}

export interface HttpRuleResult {
  readonly matches: boolean;
  /** Why it does not match (the first field that fails), for explanations. */
  readonly mismatch?: string;
  /** Set when the path regex matches only the start of the request path. */
  readonly prefixOnly?: string;
}

/** Whether one HTTP rule allows the request. */
export function httpRuleMatches(rule: CiliumHttpRule, req: HttpRequest): HttpRuleResult {
  const fields: [string, string | undefined, string | undefined][] = [
    ['method', rule.method, req.method],
    ['path', rule.path, req.path],
    ['host', rule.host, req.host],
  ];
  for (const [field, pattern, value] of fields) {
    if (pattern === undefined || pattern === '') continue;
    if (re2Problem(pattern) !== null)
      return {
        matches: false,
        mismatch: `${field} "${pattern}" is not a valid regular expression (RE2 syntax)`,
      };
    if (value === undefined) return { matches: false, mismatch: `the request has no ${field}` };
    if (!re2FullMatch(pattern, value)) {
      const prefixOnly =
        field === 'path' && re2PrefixMatch(pattern, value)
          ? `The path rule "${pattern}" is a regular expression that must match the whole path, so it does not allow "${value}"; "${pattern.includes('|') ? `(?:${pattern})` : pattern}.*" would.`
          : undefined;
      return {
        matches: false,
        mismatch: `${field} "${value}" does not match "${pattern}"`,
        ...(prefixOnly ? { prefixOnly } : {}),
      };
    }
  }
  for (const h of headerRequirements(rule)) {
    const got = headerValue(req, h.name);
    if (got === undefined) return { matches: false, mismatch: `header ${h.name} is missing` };
    if (h.value !== undefined && got !== h.value) {
      return { matches: false, mismatch: `header ${h.name} is "${got}", not "${h.value}"` };
    }
  }
  return { matches: true };
}

export const formatHttpRule = (rule: CiliumHttpRule): string => {
  const parts: string[] = [];
  if (rule.method) parts.push(`method ${rule.method}`);
  if (rule.path) parts.push(`path ${rule.path}`);
  if (rule.host) parts.push(`host ${rule.host}`);
  for (const h of headerRequirements(rule)) {
    parts.push(h.value === undefined ? `header ${h.name}` : `header ${h.name}: ${h.value}`);
  }
  return parts.length === 0 ? 'any request' : parts.join(', ');
};

export const formatRequest = (req: HttpRequest): string => `${req.method} ${req.path}`;

export interface HttpListResult {
  readonly allowed: boolean;
  readonly matched?: CiliumHttpRule;
  /** Surprises worth a note (a path rule that matches only a prefix). */
  readonly notes: readonly string[];
  readonly mismatches: readonly string[];
}

/** Whether any rule of a list allows the request. */
export function httpRulesAllow(rules: readonly CiliumHttpRule[], req: HttpRequest): HttpListResult {
  const notes: string[] = [];
  const mismatches: string[] = [];
  for (const rule of rules) {
    const r = httpRuleMatches(rule, req);
    if (r.matches) return { allowed: true, matched: rule, notes: [], mismatches: [] };
    if (r.prefixOnly && !notes.includes(r.prefixOnly)) notes.push(r.prefixOnly);
    if (r.mismatch) mismatches.push(r.mismatch);
  }
  return { allowed: false, notes, mismatches };
}
