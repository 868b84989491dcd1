/**
 * `cli explain FILE --from NS/POD --to NS/POD --port N [--protocol P]`: why each CNI decides as it
 * does, in sentences (engine/explain.ts).
 * `cli fix FILE --from … --to … --port N --cni calico|cilium [--dialect k8s|cilium|calico]
 *  [--write OUT.yaml]`: the smallest verified fix (engine/fix.ts): its YAML on stdout, the other
 *  connections it opens or closes on stderr; --write writes the whole scenario with it applied.
 * `cli diff A.yaml B.yaml`: the connections whose verdict differs, per CNI.
 */
import { explainVerdict } from '../engine/explain';
import {
  connectionKey,
  FIX_DIALECTS,
  suggestFix,
  verdictDiff,
  type ConnectionChange,
  type FixDialect,
} from '../engine/fix';
import { PROBE_PROTOCOLS, type Cni, type Probe, type ProbeProtocol } from '../engine/model';
import { parseProbeEndpoint } from '../engine/probe';
import { createEngine, evaluateProbe } from '../engine/verdict';
import { CliError, parseArgs, type Io } from './io';
import { loadCluster } from './load';

export const EXPLAIN_USAGE =
  'usage: cli explain FILE.yaml --from NS/POD --to NS/POD|ip:A.B.C.D --port N [--protocol TCP|UDP|SCTP|ICMP] [--json]';
export const FIX_USAGE =
  'usage: cli fix FILE.yaml --from NS/POD --to NS/POD|ip:A.B.C.D --port N [--protocol TCP|UDP|SCTP|ICMP] --cni calico|cilium [--dialect k8s|cilium|calico] [--write OUT.yaml]';
export const DIFF_USAGE = 'usage: cli diff A.yaml B.yaml [--json]';

const PROBE_OPTIONS = ['from', 'to', 'port', 'protocol'];

/** The probe of --from/--to/--port/--protocol; every problem is collected. */
function readProbe(options: Map<string, string>, problems: string[]): Probe | null {
  const protocol = (options.get('protocol') ?? 'TCP').toUpperCase() as ProbeProtocol;
  if (!PROBE_PROTOCOLS.includes(protocol))
    problems.push(`--protocol: "${options.get('protocol')}" is not one of TCP, UDP, SCTP, ICMP`);
  const ends = (['from', 'to'] as const).map((flag) => {
    const text = options.get(flag);
    if (text === undefined) {
      problems.push(`--${flag} is required`);
      return null;
    }
    const ep = parseProbeEndpoint(text);
    if (!ep) problems.push(`--${flag}: "${text}" is not NS/POD or ip:A.B.C.D`);
    return ep;
  });
  const portText = options.get('port');
  let port = 0;
  if (protocol === 'ICMP') {
    if (portText !== undefined) problems.push('--port: an ICMP packet has no ports');
  } else if (portText === undefined) {
    problems.push('--port is required');
  } else {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
      problems.push(`--port: "${portText}" is not an integer between 1 and 65535`);
  }
  const [from, to] = ends;
  if (!from || !to) return null;
  return { from, to, port, protocol };
}

export function runExplain(args: readonly string[], io: Io): number {
  const { positional, flags, options } = parseArgs(args, {
    flags: ['json'],
    options: PROBE_OPTIONS,
  });
  const problems: string[] = [];
  if (positional.length !== 1) problems.push('expected exactly one manifest file');
  const probe = readProbe(options, problems);
  if (problems.length > 0 || !probe) throw new CliError([...problems, EXPLAIN_USAGE]);
  const json = flags.has('json');
  const { cluster } = loadCluster(positional[0]!, io, { quietWarnings: json });
  const r = evaluateProbe(createEngine(cluster), probe);
  if (!r.ok) throw new CliError([`${positional[0]}: error: ${r.error}`]);
  const x = explainVerdict(r.verdict);
  if (json) {
    io.out(JSON.stringify({ calico: x.calico, cilium: x.cilium, text: x.text }));
    return 0;
  }
  for (const e of [x.calico, x.cilium]) {
    io.out(`${e.cni === 'calico' ? 'Calico' : 'Cilium'}: ${e.allowed ? 'allow' : 'DENY'}`);
    for (const s of e.sentences) io.out(`  ${s}`);
  }
  return 0;
}

const line = (c: ConnectionChange, verb: string): string =>
  `  ${verb} under ${c.cni === 'calico' ? 'Calico' : 'Cilium'}: ${connectionKey(c).slice(c.cni.length + 1)}`;

export function runFix(args: readonly string[], io: Io): number {
  const { positional, options } = parseArgs(args, {
    flags: [],
    options: [...PROBE_OPTIONS, 'cni', 'dialect', 'write'],
  });
  const problems: string[] = [];
  if (positional.length !== 1) problems.push('expected exactly one manifest file');
  const probe = readProbe(options, problems);
  const cni = options.get('cni');
  if (cni === undefined) problems.push('--cni is required (calico or cilium)');
  else if (cni !== 'calico' && cni !== 'cilium')
    problems.push(`--cni: "${cni}" is not one of calico, cilium`);
  const dialect = options.get('dialect');
  if (dialect !== undefined && !FIX_DIALECTS.includes(dialect as FixDialect))
    problems.push(`--dialect: "${dialect}" is not one of ${FIX_DIALECTS.join(', ')}`);
  if (problems.length > 0 || !probe) throw new CliError([...problems, FIX_USAGE]);
  const file = positional[0]!;
  // Reports bad input as file:line:column (exit 2) before the fix is looked for.
  loadCluster(file, io, { quietWarnings: true });
  const text = io.readFile(file);
  const r = suggestFix(
    { name: file, text },
    { probe, cni: cni as Cni, ...(dialect ? { dialect: dialect as FixDialect } : {}) },
  );
  if (!r.ok) throw new CliError([`${file}: no fix: ${r.error}`]);
  io.out(r.yaml.trimEnd());
  for (const c of r.changes) io.err(`# ${c.summary}`);
  if (!r.listed) io.err('# The cluster is too large to list the other connections it opens.');
  else if (r.opened.length === 0 && r.closed.length === 0)
    io.err('# It opens no other connection (every pod pair and declared port, both CNIs).');
  else {
    if (r.opened.length > 0) io.err('# It also opens:');
    for (const c of r.opened) io.err(line(c, 'opens'));
    if (r.closed.length > 0) io.err('# And closes (a new policy puts its pods in default deny):');
    for (const c of r.closed) io.err(line(c, 'closes'));
  }
  const out = options.get('write');
  if (out !== undefined) {
    if (!io.writeFile) throw new CliError(['--write: this command line cannot write files']);
    io.writeFile(out, r.text);
    io.err(`# Wrote ${out}: ${file} with the fix applied.`);
  }
  return 0;
}

export function runDiff(args: readonly string[], io: Io): number {
  const { positional, flags } = parseArgs(args, { flags: ['json'], options: [] });
  if (positional.length !== 2) throw new CliError(['expected two manifest files', DIFF_USAGE]);
  const json = flags.has('json');
  const a = loadCluster(positional[0]!, io, { quietWarnings: json });
  const b = loadCluster(positional[1]!, io, { quietWarnings: json });
  const diff = verdictDiff(createEngine(a.cluster), createEngine(b.cluster));
  const rows = [
    ...diff.opened.map((c) => ({ ...c, before: 'deny', after: 'allow' })),
    ...diff.closed.map((c) => ({ ...c, before: 'allow', after: 'deny' })),
  ].sort((x, y) => connectionKey(x).localeCompare(connectionKey(y)));
  if (json) {
    io.out(JSON.stringify({ changes: rows, complete: diff.complete }));
    return 0;
  }
  if (!diff.complete) io.err('too many connections to compare (over 40,000 pod pairs × ports)');
  if (rows.length === 0) {
    io.out('No connection changes its verdict under either CNI.');
    return 0;
  }
  const width = Math.max(...rows.map((r) => `${r.from} -> ${r.to}`.length));
  io.out(`${'CNI'.padEnd(7)} ${'CONNECTION'.padEnd(width)}  PORT       BEFORE -> AFTER`);
  for (const r of rows) {
    const port = r.protocol === 'ICMP' ? 'ICMP' : `${r.port}/${r.protocol}`;
    io.out(
      `${r.cni.padEnd(7)} ${`${r.from} -> ${r.to}`.padEnd(width)}  ${port.padEnd(10)} ${r.before} -> ${r.after.toUpperCase()}`,
    );
  }
  return 0;
}
