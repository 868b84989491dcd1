/**
 * Hostile and careless input through everything the CLI runs in-process: random and mutated
 * manifests (the real scenario files with types flipped, keys deleted or duplicated, anchors and
 * aliases, alias bombs, deep nesting, unknown fields, hostile regexes, huge strings, bad CIDRs and
 * selectors) go through the loader, the verdicts (reference, iptables and eBPF, with HTTP probes),
 * the walks (both CNIs, several modes) and the dumps (iptables-save, bpf-maps).
 *
 * Every input must end in an answer or in diagnostics (exit 0 or 2, never `internal error`), and
 * every input must finish within MAX_MS of CPU time: normal inputs take milliseconds, so the bound
 * catches a hang (exponential regex backtracking, a quadratic blow-up) without being a flaky timing
 * test. CPU time (process.cpuUsage: Vitest runs each test file in its own process) rather than
 * wall time, so a machine busy with other work does not fail the test; both maxima are printed.
 * (A synchronous infinite loop cannot be interrupted: it would hang this test, which fails it too.)
 *
 * Fixed seed; FUZZ_RUNS=20000 npx vitest run src/test/fuzz.test.ts for a longer run
 * (FUZZ_SEED picks another seed).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { main } from '../cli/run';
import { CliError, type Io } from '../cli/io';
import { loadManifests } from '../engine/parse/load';

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const SEED = Number(process.env.FUZZ_SEED ?? 20261213);
/** Per input, everything it goes through together. */
const MAX_MS = 2000;

const SEED_FILES = [
  'lessons/scenarios/seed-policies.yaml',
  'lessons/scenarios/two-node-basic.yaml',
  'lessons/scenarios/multi-rack.yaml',
  'lessons/07-policy-in-ebpf/identities.yaml',
  'lessons/06-policy-in-iptables/tiers.yaml',
  'lessons/10-services/three-backends.yaml',
  'lessons/11-observability/denylist.yaml',
  'src/test/fixtures/surprises.yaml',
].map((path) => ({ path, text: readFileSync(path, 'utf8') }));

const EVIL_PATH = `/${'a'.repeat(30)}!`;

const nested = (depth: number): unknown => {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

/** Values a careless or hostile author puts where something else belongs. */
const HOSTILE_VALUES: readonly unknown[] = [
  null,
  0,
  -1,
  65536,
  4294967296,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  '',
  ' ',
  'x'.repeat(300_000),
  '💥'.repeat(500),
  '\u0000\u202e\uffff',
  [],
  {},
  { unknownField: { deeper: [1, 2] } },
  ['a', 1, null],
  '10.0.0.0/33',
  '300.1.1.1/8',
  '10.0.0.1/8',
  '0.0.0.0/0',
  '::1/128',
  'fe80::/10',
  '/(a+)+',
  '/(a|a)*',
  '(G+)+',
  '/public)|(?:.*',
  '(?<=a)b',
  '(a)\\1',
  'a++',
  '[[:alpha:]]+',
  "app in ('a'",
  'has(',
  `${'!'.repeat(2000)}has(a)`,
  `${'('.repeat(3000)}a == 'b'`,
  `${'all() && '.repeat(300)}all()`,
  "app == 'web' || tier not in {'a','b'}",
  'k8s:app',
  'reserved:host',
  'world',
  'all',
  'ALL',
  '0',
  '80',
  '65535',
  'http',
  'TCP',
  'UDP',
  'ICMP',
  'SCTP',
  'Deny',
  'Pass',
  'Allow',
  'Log',
  'GET',
  nested(60),
  nested(150),
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every (container, key) pair of a value, breadth first, at most `limit`. */
function slots(root: Json, limit = 3000): [Json[] | Record<string, Json>, string | number][] {
  const out: [Json[] | Record<string, Json>, string | number][] = [];
  const queue: Json[] = [root];
  while (queue.length > 0 && out.length < limit) {
    const v = queue.shift()!;
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push([v, i]);
        queue.push(x);
      });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        out.push([v, k]);
        queue.push(x);
      }
    }
  }
  return out;
}

interface ValueMutation {
  readonly op: 'replace' | 'swap' | 'delete' | 'duplicate' | 'rename' | 'wrap' | 'unknownField';
  readonly at: number;
  readonly other: number;
  readonly value: number;
}

function mutateValue(root: Json, m: ValueMutation): void {
  const all = slots(root);
  if (all.length === 0) return;
  const [container, key] = all[m.at % all.length]!;
  const get = () => (container as Record<string | number, Json>)[key]!;
  const set = (v: Json) => ((container as Record<string | number, Json>)[key] = v);
  switch (m.op) {
    case 'replace':
      set(HOSTILE_VALUES[m.value % HOSTILE_VALUES.length] as Json);
      break;
    case 'swap': {
      const [c2, k2] = all[m.other % all.length]!;
      set(structuredClone((c2 as Record<string | number, Json>)[k2]!));
      break;
    }
    case 'delete':
      if (Array.isArray(container)) container.splice(key as number, 1);
      else Reflect.deleteProperty(container, key);
      break;
    case 'duplicate':
      if (Array.isArray(container)) container.push(structuredClone(get()));
      else container[`${key}`.toUpperCase()] = structuredClone(get());
      break;
    case 'rename':
      if (!Array.isArray(container)) {
        const v = get();
        Reflect.deleteProperty(container, key);
        container[`${key}s`] = v;
      }
      break;
    case 'wrap':
      set([get()]);
      break;
    case 'unknownField':
      if (!Array.isArray(container) && typeof get() === 'object' && get() !== null) {
        (get() as Record<string, Json>)['x-unknown'] = HOSTILE_VALUES[
          m.value % HOSTILE_VALUES.length
        ] as Json;
      } else set({ unexpected: get() });
      break;
  }
}

interface TextMutation {
  readonly op:
    | 'none'
    | 'duplicateLine'
    | 'deleteLine'
    | 'truncate'
    | 'anchorAlias'
    | 'unresolvedAlias'
    | 'aliasBomb'
    | 'deepFlow'
    | 'insert'
    | 'tab';
  readonly at: number;
  readonly other: number;
  readonly text: string;
}

function mutateText(text: string, m: TextMutation): string {
  const lines = text.split('\n');
  const i = m.at % Math.max(1, lines.length);
  const j = m.other % Math.max(1, lines.length);
  const valueLine = (n: number) => /^(\s*(?:- )?[\w.-]+:) (\S.*)$/.exec(lines[n] ?? '');
  switch (m.op) {
    case 'none':
      return text;
    case 'duplicateLine':
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    case 'deleteLine':
      lines.splice(i, 1);
      return lines.join('\n');
    case 'truncate':
      return text.slice(0, m.at % Math.max(1, text.length));
    case 'anchorAlias': {
      const a = valueLine(Math.min(i, j));
      const b = valueLine(Math.max(i, j));
      if (a && b && i !== j) {
        lines[Math.min(i, j)] = `${a[1]} &anc ${a[2]}`;
        lines[Math.max(i, j)] = `${b[1]} *anc`;
      }
      return lines.join('\n');
    }
    case 'unresolvedAlias': {
      const a = valueLine(i);
      if (a) lines[i] = `${a[1]} *nowhere`;
      return lines.join('\n');
    }
    case 'aliasBomb': {
      let bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
      let prev = 'a';
      for (const n of 'bcdefghi') {
        bomb += `${n}: &${n} [${Array(9).fill(`*${prev}`).join(', ')}]\n`;
        prev = n;
      }
      return `${text}\n---\n${bomb}`;
    }
    case 'deepFlow': {
      const depth = [50, 101, 5000][m.other % 3]!;
      const a = valueLine(i);
      if (a) lines[i] = `${a[1]} ${'['.repeat(depth)}${']'.repeat(depth)}`;
      return lines.join('\n');
    }
    case 'insert': {
      const at = m.at % Math.max(1, text.length);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'tab':
      lines[i] = `\t${lines[i] ?? ''}`;
      return lines.join('\n');
  }
}

/** A manifest built from a seed file by value and text mutations, or random text. */
const manifestArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        seed: fc.nat({ max: SEED_FILES.length - 1 }),
        values: fc.array(
          fc.record({
            op: fc.constantFrom(
              'replace',
              'swap',
              'delete',
              'duplicate',
              'rename',
              'wrap',
              'unknownField',
            ),
            at: fc.nat(),
            other: fc.nat(),
            value: fc.nat(),
          }),
          { maxLength: 4 },
        ),
        texts: fc.array(
          fc.record({
            op: fc.constantFrom(
              'none',
              'duplicateLine',
              'deleteLine',
              'truncate',
              'anchorAlias',
              'unresolvedAlias',
              'aliasBomb',
              'deepFlow',
              'insert',
              'tab',
            ),
            at: fc.nat(),
            other: fc.nat(),
            text: fc.oneof(
              fc.constantFrom(': ', '- ', '{', '[', ']', '"', "'", '&x ', '*x', '!!str ', '---\n'),
              fc.string({ maxLength: 12 }),
            ),
          }),
          { maxLength: 2 },
        ),
      })
      .map(({ seed, values, texts }) => {
        const docs = parseAllDocuments(SEED_FILES[seed]!.text).map((d) => d.toJS() as Json);
        for (const m of values) mutateValue(docs, m);
        let text = docs.map((d) => stringify(d, { aliasDuplicateObjects: false })).join('---\n');
        for (const m of texts) text = mutateText(text, m);
        return text;
      }),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 400 }) },
  {
    weight: 1,
    arbitrary: fc
      .array(
        fc.constantFrom(
          'apiVersion: v1\n',
          'kind: Pod\n',
          'metadata:\n',
          '  name: a\n',
          '- ',
          '---\n',
          'spec: {',
          '}',
          '[',
          ']',
          '&a ',
          '*a\n',
          'x: *a\n',
          '  ',
          '\n',
        ),
        { maxLength: 40 },
      )
      .map((parts) => parts.join('')),
  },
);

const CALICO_MODES = [
  [],
  ['--calico-encap', 'vxlan'],
  ['--calico-encap', 'ipip-crosssubnet', '--calico-peering', 'route-reflector'],
  ['--calico-dataplane', 'ebpf'],
];
const CILIUM_MODES = [
  [],
  ['--cilium-routing', 'native', '--kube-proxy-replacement'],
  ['--cilium-routing', 'geneve', '--encryption', 'wireguard'],
];

interface Outcome {
  readonly code: number;
  readonly err: string;
}

function runCli(argv: string[], files: Record<string, string>): Outcome {
  const err: string[] = [];
  const io: Io = {
    out: () => {},
    err: (l) => err.push(l),
    readFile: (path) => {
      if (path in files) return files[path]!;
      throw new CliError([`${path}: cannot read the file`]);
    },
  };
  const code = main(argv, io);
  return { code, err: err.join('\n') };
}

const stats = { inputs: 0, maxMs: 0, maxWallMs: 0, maxInput: '', loaded: 0 };

/** CPU time used by this process so far, in milliseconds. */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Runs one manifest through every command; returns the failures (none expected). */
function exercise(text: string, pick: number): string[] {
  const failures: string[] = [];
  const files: Record<string, string> = { 'm.yaml': text };
  const t0 = cpuMs();
  const w0 = performance.now();
  // Which pods and ports to aim at, from what loads (possibly nothing).
  const { cluster, diagnostics } = loadManifests([{ name: 'm.yaml', text }]);
  const pods = cluster.pods.map((p) => `${p.namespace}/${p.name}`);
  if (!diagnostics.some((d) => d.severity === 'error')) stats.loaded += 1;
  const from = pods[pick % Math.max(1, pods.length)] ?? 'default/a';
  const to = pods[(pick >> 3) % Math.max(1, pods.length)] ?? 'default/b';
  const port = String([80, 8080, 443, 53, 9090][pick % 5]);
  files['probes.json'] = JSON.stringify({
    probes: [
      { from, to, port: Number(port), protocol: 'TCP', http: { method: 'GET', path: EVIL_PATH } },
      { from, to, port: 8080, protocol: 'TCP', http: { method: 'G'.repeat(30) + '!', path: '/' } },
      { from, to: 'ip:8.8.8.8', port: 53, protocol: 'UDP' },
      { from: to, to: from, protocol: 'ICMP' },
    ],
  });
  const commands: string[][] = [
    ['verdict', 'm.yaml', '--json'],
    ['verdict', 'm.yaml', '--probes', 'probes.json', '--json'],
    [
      'walk',
      'm.yaml',
      '--cni',
      'calico',
      '--from',
      from,
      '--to',
      to,
      '--port',
      port,
      ...CALICO_MODES[pick % CALICO_MODES.length]!,
    ],
    [
      'walk',
      'm.yaml',
      '--cni',
      'cilium',
      '--from',
      from,
      '--to',
      to,
      '--port',
      port,
      '--http',
      `GET:${EVIL_PATH}`,
      ...CILIUM_MODES[pick % CILIUM_MODES.length]!,
    ],
    ['iptables-save', 'm.yaml', '--ipsets'],
    ['bpf-maps', 'm.yaml'],
  ];
  for (const argv of commands) {
    const r = runCli(argv, files);
    if (r.code !== 0 && r.code !== 2) failures.push(`${argv[0]} exited ${r.code}: ${r.err}`);
    if (/internal error/.test(r.err)) failures.push(`${argv[0]}: ${r.err.slice(0, 500)}`);
    if (r.code === 2 && r.err === '') failures.push(`${argv[0]} exited 2 without saying why`);
  }
  const ms = cpuMs() - t0;
  stats.maxWallMs = Math.max(stats.maxWallMs, performance.now() - w0);
  stats.inputs += 1;
  if (ms > stats.maxMs) {
    stats.maxMs = ms;
    stats.maxInput = text.slice(0, 120);
  }
  if (RUNS > 1000 && stats.inputs % 500 === 0) {
    // Progress of a long run (FUZZ_RUNS), for whoever watches it.
    process.stderr.write(
      `fuzz: ${stats.inputs} inputs, slowest ${stats.maxMs.toFixed(0)} ms CPU\n`,
    );
  }
  if (ms > MAX_MS) failures.push(`took ${ms.toFixed(0)} ms of CPU (limit ${MAX_MS} ms)`);
  return failures;
}

describe('fuzz: hostile manifests through load, verdicts, walks and dumps (issue 13)', () => {
  afterAll(() => {
    console.log(
      `fuzz: ${stats.inputs} inputs (${stats.loaded} loaded without errors), slowest ${stats.maxMs.toFixed(0)} ms of CPU (${stats.maxWallMs.toFixed(0)} ms wall): ${JSON.stringify(stats.maxInput)}`,
    );
  });

  it('every seed file loads, so the mutations start from real manifests', () => {
    for (const { path, text } of SEED_FILES) {
      const r = loadManifests([{ name: path, text }]);
      expect(
        r.diagnostics.filter((d) => d.severity === 'error'),
        path,
      ).toEqual([]);
      expect(r.cluster.pods.length, path).toBeGreaterThan(0);
    }
  });

  it('never throws, never prints an internal error, never takes more than 2 s per input', () => {
    fc.assert(
      fc.property(manifestArb, fc.nat(), (text, pick) => {
        const failures = exercise(text, pick);
        if (failures.length > 0) throw new Error(failures.join('\n'));
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);
});
