import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './testing';

const SEED = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');
const EVIL_PATH = `/${'a'.repeat(30)}!`;

/** The seed scenario with the first HTTP rule of shop/api-l7-policy rewritten. */
function withRule(method: string, path: string): string {
  const text = SEED.replace(
    '        - method: GET\n          path: "/api/v1/.*"',
    `        - method: '${method}'\n          path: '${path}'`,
  );
  expect(text).not.toBe(SEED);
  return text;
}

/** The CLI in memory (testing.ts), timed. */
function run(argv: string[], files: Record<string, string>) {
  const t0 = performance.now();
  const result = runCli(argv, files);
  return { ...result, ms: performance.now() - t0 };
}

const walkArgs = (path: string) => [
  'walk',
  'm.yaml',
  '--cni',
  'cilium',
  '--from',
  'shop/frontend',
  '--to',
  'shop/api',
  '--port',
  '8080',
  '--http',
  `GET:${path}`,
  '--json',
];

const probes = (method: string, path: string) =>
  JSON.stringify({
    probes: [
      {
        from: 'shop/frontend',
        to: 'shop/api',
        port: 8080,
        protocol: 'TCP',
        http: { method, path },
      },
    ],
  });

describe('CLI under hostile input (issue 13)', () => {
  for (const [method, path] of [
    ['GET', '/(a+)+'],
    ['GET', '/(a|a)*'],
    ['(G+)+', '/api/v1/.*'],
  ] as const) {
    it(`answers at once for the ReDoS rule method ${method} path ${path}`, () => {
      const files = {
        'm.yaml': withRule(method, path),
        'p.json': probes(method === 'GET' ? 'GET' : `${'G'.repeat(30)}!`, EVIL_PATH),
      };
      const walk = run(walkArgs(EVIL_PATH), files);
      expect(walk.err).not.toMatch(/internal error/);
      expect(walk.code).toBe(0);
      expect(walk.ms).toBeLessThan(5000);
      expect(walk.out).toContain('403');
      const verdict = run(['verdict', 'm.yaml', '--probes', 'p.json', '--json'], files);
      expect(verdict.code).toBe(0);
      expect(verdict.ms).toBeLessThan(5000);
      const [p] = (JSON.parse(verdict.out) as { probes: { cilium: { allowed: boolean } }[] })
        .probes;
      expect(p!.cilium.allowed).toBe(false);
    });
  }

  it('refuses a path rule that would escape a ^(?:…)$ wrapper, at its line, for walk and verdict', () => {
    const files = {
      'm.yaml': withRule('GET', '/public)|(?:.*'),
      'p.json': probes('GET', '/admin/secret'),
    };
    for (const argv of [
      walkArgs('/admin/secret'),
      ['verdict', 'm.yaml', '--probes', 'p.json', '--json'],
    ]) {
      const r = run(argv, files);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(
        /^m\.yaml:184:\d+: error: CiliumNetworkPolicy shop\/api-l7-policy: spec\.ingress\[0\]\.toPorts\[0\]\.rules\.http\[0\]\.path: "\/public\)\|\(\?:\.\*" is not a valid regular expression: unexpected \)/m,
      );
      expect(r.out).toBe('');
    }
  });

  it('reports YAML alias problems and deep nesting at line:column with exit 2, never an internal error', () => {
    const cases: [string, RegExp][] = [
      [
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: *a\n',
        /^m\.yaml:4:9: error: YAML: the alias \*a refers to no anchor/,
      ],
      [
        `apiVersion: v1\nkind: Namespace\nmetadata: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
        /^m\.yaml:3:\d+: error: YAML: this value nests deeper than 100 levels/,
      ],
      [
        `${SEED}\n---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n`,
        /error: YAML: expanding this document's aliases would build more than 1000/,
      ],
    ];
    for (const [text, expected] of cases) {
      for (const argv of [
        ['verdict', 'm.yaml'],
        ['iptables-save', 'm.yaml'],
        ['bpf-maps', 'm.yaml'],
      ]) {
        const r = run(argv, { 'm.yaml': text });
        expect(r.err).not.toMatch(/internal error|call stack/);
        expect(r.code).toBe(2);
        expect(r.err).toMatch(expected);
      }
    }
  });

  it('prints a 3 MB name clipped', () => {
    const r = run(['verdict', 'm.yaml'], {
      'm.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${'N'.repeat(3_000_000)}\n`,
    });
    expect(r.code).toBe(2);
    expect(r.err.length).toBeLessThan(5000);
    expect(r.err).toContain('… (2999800 more characters)');
  });
});
