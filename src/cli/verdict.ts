/**
 * `cli verdict FILE.yaml [--probes PROBES.json] [--json]`: whether each connection is allowed under
 * each CNI, by the reference evaluator and by the compiled dataplane model.
 */
import { parseYamlFile } from '../engine/parse/yaml';
import {
  PROBE_PROTOCOLS,
  formatDiagnostic,
  type HttpRequest,
  type IcmpTypeCode,
  type Probe,
  type ProbeProtocol,
} from '../engine/model';
import {
  ECHO_REQUEST,
  formatProbeEndpoint,
  icmpTypeCodeError,
  parseProbeEndpoint,
} from '../engine/probe';
import {
  createEngine,
  defaultProbes,
  evaluateProbe,
  type CniVerdict,
  type ProbeVerdict,
} from '../engine/verdict';
import { CliError, parseArgs, type Io } from './io';
import { loadCluster } from './load';

export function runVerdict(args: readonly string[], io: Io): number {
  const { positional, flags, options } = parseArgs(args, { flags: ['json'], options: ['probes'] });
  if (positional.length !== 1)
    throw new CliError(['usage: cli verdict FILE.yaml [--probes PROBES.json] [--json]']);
  const json = flags.has('json');
  const { cluster, warnings } = loadCluster(positional[0]!, io, { quietWarnings: json });
  const probesPath = options.get('probes');
  const probes: LocatedProbe[] = probesPath
    ? readProbes(probesPath, io)
    : defaultProbes(cluster).map((probe) => ({ probe, where: positional[0]! }));
  const engine = createEngine(cluster);
  const verdicts: ProbeVerdict[] = [];
  const errors: string[] = [];
  probes.forEach(({ probe, where }) => {
    const r = evaluateProbe(engine, probe);
    if (r.ok) verdicts.push(r.verdict);
    else errors.push(`${where}: error: ${r.error}`);
  });
  if (errors.length > 0) throw new CliError(errors);
  if (json) {
    io.out(
      JSON.stringify({
        probes: verdicts.map(toJson),
        warnings: warnings.map(formatDiagnostic),
      }),
    );
  } else {
    printMatrix(verdicts, io);
  }
  return 0;
}

function toJson(v: ProbeVerdict) {
  const side = (c: CniVerdict, model: 'iptables' | 'ebpf') => ({
    allowed: c.allowed,
    reason: c.reason,
    reference: c.reference.allowed,
    [model]: c.model.allowed,
    decidedAt: c.model.decidedAt,
    ...(c.reference.l7 ? { l7: c.reference.l7 } : {}),
    ...(c.reference.notes.length > 0 ? { notes: c.reference.notes } : {}),
  });
  return {
    from: formatProbeEndpoint(v.probe.from),
    to: formatProbeEndpoint(v.probe.to),
    ...(v.probe.protocol === 'ICMP' ? {} : { port: v.probe.port }),
    protocol: v.probe.protocol,
    ...(v.probe.icmp ? { icmp: v.probe.icmp } : {}),
    ...(v.probe.http ? { http: v.probe.http } : {}),
    calico: side(v.calico, 'iptables'),
    cilium: side(v.cilium, 'ebpf'),
  };
}

/** `8080/TCP`, or `ICMP 8/0` (type/code) for an ICMP probe. */
const portLabel = (p: Probe): string =>
  p.protocol === 'ICMP'
    ? `ICMP ${(p.icmp ?? ECHO_REQUEST).type}/${(p.icmp ?? ECHO_REQUEST).code}`
    : `${p.port}/${p.protocol}`;

const mark = (c: CniVerdict): string =>
  (c.allowed ? 'allow' : 'DENY') + (c.agree ? '' : ' (model disagrees!)');

function printMatrix(verdicts: readonly ProbeVerdict[], io: Io): void {
  if (verdicts.length === 0) {
    io.out('No probes: no pod declares a container port. Give probes with --probes PROBES.json.');
    return;
  }
  const rows = verdicts.map((v) => [
    formatProbeEndpoint(v.probe.from),
    formatProbeEndpoint(v.probe.to),
    `${portLabel(v.probe)}${v.probe.http ? ` ${v.probe.http.method} ${v.probe.http.path}` : ''}`,
    mark(v.calico),
    mark(v.cilium),
  ]);
  const header = ['FROM', 'TO', 'PORT', 'CALICO', 'CILIUM'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  io.out(line(header));
  rows.forEach((r) => io.out(line(r)));
  const denied = verdicts.filter((v) => !v.calico.allowed || !v.cilium.allowed);
  if (denied.length > 0) {
    io.out('');
    io.out('Why denied:');
    for (const v of denied) {
      io.out(
        `  ${formatProbeEndpoint(v.probe.from)} -> ${formatProbeEndpoint(v.probe.to)} ${portLabel(v.probe)}`,
      );
      for (const c of [v.calico, v.cilium]) {
        if (!c.allowed) io.out(`    ${c.cni}: ${c.reason} [${c.model.decidedAt}]`);
      }
    }
  }
  const l7 = verdicts.filter((v) => v.cilium.reference.l7?.redirected);
  if (l7.length > 0) {
    io.out('');
    io.out('Redirected to the L7 proxy (Cilium):');
    for (const v of l7)
      io.out(
        `  ${formatProbeEndpoint(v.probe.from)} -> ${formatProbeEndpoint(v.probe.to)} ${portLabel(v.probe)}: ${v.cilium.reference.l7!.reason}`,
      );
  }
}

interface LocatedProbe {
  readonly probe: Probe;
  /** `file:line:column` of the probe, for messages. */
  readonly where: string;
}

/** Reads PROBES.json; JSON is parsed as YAML 1.2 (a superset) to know where each probe is written. */
function readProbes(path: string, io: Io): LocatedProbe[] {
  const { documents, diagnostics } = parseYamlFile(io.readFile(path), path);
  const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  if (errors.length > 0) throw new CliError(errors);
  const doc = documents[0];
  const at = (field: string) => {
    const pos = doc!.posOf(field);
    return `${pos.file}:${pos.line}:${pos.column}`;
  };
  const root = doc?.value as { probes?: unknown } | undefined;
  if (!doc || !root || typeof root !== 'object' || !Array.isArray(root.probes)) {
    throw new CliError([`${path}:1:1: error: expected {"probes": [...]}`]);
  }
  const out: LocatedProbe[] = [];
  const problems: string[] = [];
  root.probes.forEach((raw: unknown, i: number) => {
    const base = `probes[${i}]`;
    const bad = (field: string, msg: string) =>
      problems.push(`${at(`${base}.${field}`)}: error: ${base}.${field}: ${msg}`);
    if (typeof raw !== 'object' || raw === null)
      return void problems.push(`${at(base)}: error: ${base}: must be an object`);
    const p = raw as Record<string, unknown>;
    for (const key of Object.keys(p)) {
      if (!['from', 'to', 'port', 'protocol', 'icmp', 'http'].includes(key))
        bad(key, `unknown field (expected from, to, port, protocol, icmp, http)`);
    }
    const from = typeof p.from === 'string' ? parseProbeEndpoint(p.from) : null;
    const to = typeof p.to === 'string' ? parseProbeEndpoint(p.to) : null;
    if (!from)
      bad('from', `must be "namespace/pod" or "ip:a.b.c.d", not ${JSON.stringify(p.from)}`);
    if (!to) bad('to', `must be "namespace/pod" or "ip:a.b.c.d", not ${JSON.stringify(p.to)}`);
    const protocol = p.protocol ?? 'TCP';
    if (!PROBE_PROTOCOLS.includes(protocol as ProbeProtocol))
      bad('protocol', `must be TCP, UDP, SCTP or ICMP, not ${JSON.stringify(protocol)}`);
    // ICMP has no ports: a type and a code instead (default 8/0, an echo request).
    const isIcmp = protocol === 'ICMP';
    const port = isIcmp ? (p.port ?? 0) : p.port;
    if (isIcmp && p.port !== undefined)
      bad('port', 'an ICMP probe has no port (give icmp: {type, code})');
    else if (
      !isIcmp &&
      (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
    )
      bad('port', `must be an integer 1-65535, not ${JSON.stringify(port)}`);
    let icmp: IcmpTypeCode | undefined;
    if (p.icmp !== undefined) {
      const ic = p.icmp as Record<string, unknown>;
      if (!isIcmp) bad('icmp', 'needs protocol ICMP');
      else if (typeof ic !== 'object' || ic === null || typeof ic.type !== 'number') {
        bad('icmp', 'must be {"type": 0-255, "code": 0-255} (code defaults to 0)');
      } else {
        icmp = { type: ic.type, code: typeof ic.code === 'number' ? ic.code : 0 };
        const problem = icmpTypeCodeError(icmp);
        if (problem) bad('icmp', problem);
      }
    } else if (isIcmp) icmp = ECHO_REQUEST;
    let http: HttpRequest | undefined;
    if (p.http !== undefined) {
      const h = p.http as Record<string, unknown>;
      if (
        typeof h !== 'object' ||
        h === null ||
        typeof h.method !== 'string' ||
        typeof h.path !== 'string'
      ) {
        bad('http', 'must be {"method": "...", "path": "..."} (optional "host", "headers")');
      } else {
        http = {
          method: h.method,
          path: h.path,
          ...(typeof h.host === 'string' ? { host: h.host } : {}),
          ...(typeof h.headers === 'object' && h.headers !== null
            ? { headers: h.headers as Record<string, string> }
            : {}),
        };
        if (protocol !== 'TCP') bad('http', 'an HTTP request needs protocol TCP');
      }
    }
    if (from && to && typeof port === 'number') {
      out.push({
        probe: {
          from,
          to,
          port,
          protocol: protocol as ProbeProtocol,
          ...(icmp ? { icmp } : {}),
          ...(http ? { http } : {}),
        },
        where: at(base),
      });
    }
  });
  if (problems.length > 0) throw new CliError(problems);
  return out;
}
