/**
 * `cli observe FILE.yaml [--traffic TRAFFIC.yaml] [--max N] [--cni cilium|calico] [-o compact|json]
 *  [--calico TOKEN] [--cilium TOKEN] [hubble observe flags… | --filter WHISKER]`: runs the scenario's
 * traffic (or a traffic file's) through both CNIs (datapath/flows/) and prints what the CNI's own
 * tool would: for Cilium the events as `hubble observe` prints them (compact lines, or `-o json`
 * as jsonpb prints flow.proto), filtered by hubble's own flags; for Calico the flow logs Goldmane
 * reports (Whisker's fields, the policy traces), filtered by Whisker's keys.
 */
import { CALICO_OPTIONS, CILIUM_OPTIONS, decodeOptions } from '../datapath/options';
import { HubbleFlagError, hubbleFilter } from '../datapath/flows/hubbleFilter';
import { compactLine, jsonLine } from '../datapath/flows/hubbleFormat';
import { hubbleFlows } from '../datapath/flows/hubble';
import { DEFAULT_TRAFFIC_MAX } from '../datapath/flows/traffic';
import { requestedTraffic } from '../datapath/flows/flowsData';
import { runTraffic } from '../datapath/flows/run';
import { calicoFlowLogs, policyHitSummary, type CalicoFlowLog } from '../datapath/flows/whisker';
import {
  filterFlowLogs,
  parseWhiskerFilter,
  WhiskerFilterError,
} from '../datapath/flows/whiskerFilter';
import { formatDiagnostic } from '../engine/model';
import { createEngine } from '../engine/verdict';
import { CliError, type Io } from './io';
import { loadCluster } from './load';

export const OBSERVE_USAGE =
  'usage: cli observe FILE.yaml [--traffic TRAFFIC.yaml] [--max N] [--cni cilium|calico] [-o compact|json] [--calico TOKEN] [--cilium TOKEN] [hubble observe flags | --filter "action=Deny …"]';

const OWN = new Set(['traffic', 'max', 'cni', 'output', 'calico', 'cilium', 'filter']);

/**
 * The manifest file first, then our options pulled out; the rest are hubble's filter flags, passed
 * on as typed (hubbleFilter.ts reads their values and says what it does not know).
 */
function splitArgs(args: readonly string[]) {
  const own = new Map<string, string>();
  const positional: string[] = [];
  const rest: string[] = [];
  let i = 0;
  if (args[0] !== undefined && !args[0].startsWith('-')) positional.push(args[i++]!);
  for (; i < args.length; i++) {
    const arg = args[i]!;
    const long = arg.startsWith('--') ? arg.slice(2).split('=', 1)[0]! : null;
    const name = arg === '-o' ? 'output' : long;
    if (name !== null && OWN.has(name)) {
      const eq = arg.indexOf('=');
      const value = arg !== '-o' && eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) throw new CliError([`--${name} needs a value`, OBSERVE_USAGE]);
      own.set(name, value);
    } else rest.push(arg);
  }
  return { own, positional, rest };
}

/** Whisker's columns in one line: time, action, who to whom, port, reporter, the deciding hit. */
export function calicoLine(l: CalicoFlowLog): string {
  const ep = (ns: string, name: string) => (ns && ns !== '-' ? `${ns}/${name}` : name);
  const last = l.policies.enforced.at(-1);
  return `${l.start_time} ${l.action.padEnd(5)} ${ep(l.source_namespace, l.source_name)} -> ${ep(l.dest_namespace, l.dest_name)} ${l.protocol}/${l.dest_port} reporter=${l.reporter}${last ? ` policy=${policyHitSummary(last)}` : ''}`;
}

/** A flow log as whisker-backend's JSON gives it: the proto's fields, without PacketWalk's own. */
export function calicoJson(l: CalicoFlowLog): string {
  return JSON.stringify(l, (key, value: unknown) =>
    key === 'connection' || key === 'time' ? undefined : value,
  );
}

export function runObserve(args: readonly string[], io: Io): number {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(OBSERVE_USAGE);
    return 0;
  }
  const { own, positional, rest } = splitArgs(args);
  const problems: string[] = [];
  if (positional.length !== 1) problems.push('expected the manifest file first');
  const cni = own.get('cni') ?? 'cilium';
  if (cni !== 'cilium' && cni !== 'calico')
    problems.push(`--cni: "${cni}" is not one of cilium, calico`);
  const output = own.get('output') ?? 'compact';
  if (output !== 'compact' && output !== 'json')
    problems.push(`-o: "${output}" is not one of compact, json`);
  const maxText = own.get('max');
  const max = maxText === undefined ? DEFAULT_TRAFFIC_MAX : Number(maxText);
  if (!Number.isInteger(max) || max < 1 || max > 100_000)
    problems.push(`--max: "${maxText}" is not an integer between 1 and 100000`);
  const calico = decodeOptions(CALICO_OPTIONS, own.get('calico') ?? '', problems);
  const cilium = decodeOptions(CILIUM_OPTIONS, own.get('cilium') ?? '', problems);
  let keep: ((e: { flow: Parameters<ReturnType<typeof hubbleFilter>>[0] }) => boolean) | null =
    null;
  let whisker: ReturnType<typeof parseWhiskerFilter> | null = null;
  try {
    if (cni === 'cilium') {
      if (own.has('filter'))
        problems.push('--filter is for --cni calico; Cilium takes hubble flags');
      const matches = rest.length > 0 ? hubbleFilter(rest) : null;
      keep = matches ? (e) => matches(e.flow) : null;
    } else {
      if (rest.length > 0)
        problems.push(`${rest[0]}: hubble's flags are for --cni cilium; Calico takes --filter`);
      whisker = parseWhiskerFilter(own.get('filter') ?? '');
    }
  } catch (error) {
    if (error instanceof HubbleFlagError || error instanceof WhiskerFilterError)
      problems.push(error.message);
    else throw error;
  }
  if (problems.length > 0) throw new CliError([...problems, OBSERVE_USAGE]);

  const { cluster } = loadCluster(positional[0]!, io, { quietWarnings: true });
  const engine = createEngine(cluster);
  const file = own.get('traffic');
  const traffic = file ? { file, text: io.readFile(file) } : null;
  const asked = requestedTraffic(engine, { configs: { calico, cilium }, max, traffic });
  if (asked.diagnostics.some((d) => d.severity === 'error'))
    throw new CliError(asked.diagnostics.map(formatDiagnostic));
  const run = runTraffic(engine, { calico, cilium }, asked.connections, {
    omitted: asked.omitted,
  });
  for (const wc of run.connections) {
    const o = wc[cni as 'calico' | 'cilium'];
    if (!o.ok)
      io.err(
        `connection ${wc.id} (${wc.connection.packet.from} -> ${wc.connection.packet.to}): ${o.error}`,
      );
  }
  if (run.omitted > 0) io.err(`${run.omitted} more connections left out by --max ${max}`);
  if (cni === 'cilium') {
    const events = run.connections.flatMap((wc) => hubbleFlows(engine, wc));
    for (const e of keep ? events.filter(keep) : events)
      io.out(output === 'json' ? jsonLine(e.flow) : compactLine(e.flow));
  } else {
    const logs = run.connections.flatMap((wc) => calicoFlowLogs(engine, wc));
    for (const l of filterFlowLogs(logs, whisker!))
      io.out(output === 'json' ? calicoJson(l) : calicoLine(l));
  }
  return 0;
}
