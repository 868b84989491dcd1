import { describe, expect, it } from 'vitest';
import { formatHttpRule, httpRuleMatches, httpRulesAllow } from './http';

describe('HTTP rules (Envoy full-match regexes)', () => {
  it('matches path and method against the whole value', () => {
    expect(httpRuleMatches({ path: '/' }, { method: 'GET', path: '/' }).matches).toBe(true);
    const longer = httpRuleMatches({ path: '/' }, { method: 'GET', path: '/public' });
    expect(longer.matches).toBe(false);
    expect(longer.prefixOnly).toMatch(/must match the whole path/);
    expect(
      httpRuleMatches({ path: '/api/v1/.*' }, { method: 'GET', path: '/api/v1/x' }).matches,
    ).toBe(true);
    expect(httpRuleMatches({ method: 'GET' }, { method: 'GETX', path: '/' }).matches).toBe(false);
    expect(httpRuleMatches({ method: 'GET|HEAD' }, { method: 'HEAD', path: '/' }).matches).toBe(
      true,
    );
  });

  it('needs a host when the rule names one', () => {
    expect(
      httpRuleMatches({ host: 'api\\.example\\.com' }, { method: 'GET', path: '/' }).matches,
    ).toBe(false);
    expect(
      httpRuleMatches(
        { host: 'api\\.example\\.com' },
        { method: 'GET', path: '/', host: 'api.example.com' },
      ).matches,
    ).toBe(true);
  });

  it('reads "Name: value" as an exact value and "Name" as presence; header names ignore case', () => {
    const rule = { headers: ['X-Token: s3cret', 'X-Trace'] };
    expect(
      httpRuleMatches(rule, {
        method: 'GET',
        path: '/',
        headers: { 'x-token': 's3cret', 'x-trace': '' },
      }).matches,
    ).toBe(true);
    expect(
      httpRuleMatches(rule, {
        method: 'GET',
        path: '/',
        headers: { 'X-Token': 'other', 'X-Trace': '1' },
      }).mismatch,
    ).toMatch(/X-Token/);
    expect(
      httpRuleMatches({ headerMatches: [{ name: 'X-A' }] }, { method: 'GET', path: '/' }).matches,
    ).toBe(false);
  });

  it('allows a request when any rule of the list matches', () => {
    const rules = [{ method: 'GET', path: '/a' }, { method: 'POST' }];
    expect(httpRulesAllow(rules, { method: 'POST', path: '/z' }).allowed).toBe(true);
    expect(httpRulesAllow(rules, { method: 'PUT', path: '/a' }).allowed).toBe(false);
    expect(formatHttpRule({ method: 'GET', path: '/a', headers: ['X-A'] })).toBe(
      'method GET, path /a, header X-A',
    );
  });

  it('never matches an invalid regular expression', () => {
    expect(httpRuleMatches({ path: '(' }, { method: 'GET', path: '(' }).matches).toBe(false);
  });
});
