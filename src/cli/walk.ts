/**
 * `cli walk FILE.yaml --cni calico|cilium --from NS/POD --to NS/POD|NS/SERVICE|ip:A.B.C.D --port N
 *  [--protocol TCP|UDP|SCTP] [--http METHOD:PATH] [--reply] [CNI options] [--json]`, or with
 *  `--protocol ICMP [--icmp-type T] [--icmp-code C]` and no port: the hops of one packet (issue 5;
 *  ICMP issue 10). The CNI options and their flags come from the options registry
 *  (datapath/options.ts); `cli walk --help` lists them.
 */
import {
  PROBE_PROTOCOLS,
  type Cni,
  type HttpRequest,
  type IcmpTypeCode,
  type ProbeProtocol,
} from '../engine/model';
import { formatIcmp } from '../engine/probe';
import { createEngine } from '../engine/verdict';
import type { WalkConfig } from '../datapath/config';
import {
  CNI_OPTIONS,
  CNIS,
  cniOptions,
  describeWalkConfig,
  optionApplies,
  optionsOf,
  unusedReason,
  valueByToken,
  valueOf,
  withValue,
  type AnyOption,
  type CniOptionTable,
} from '../datapath/options';
import { costUpTo, type PacketHeader } from '../datapath/hop';
import { WalkInputError, type PacketSpec } from '../datapath/packet';
import { resultConfig, walk, type WalkResult } from '../datapath/walk';
import { walkJson } from '../datapath/walkJson';
import { CliError, parseArgs, type Io } from './io';
import { loadCluster } from './load';

/** Every CNI option with the CNI it belongs to, in table order. */
const CNI_FLAGS = CNIS.flatMap((cni) =>
  cniOptions(cni).map((option) => ({
    cni,
    option,
  })),
);
const unique = (xs: readonly string[]) => [...new Set(xs)];

/** `--flag` or `--flag a|b|c` (a flag two CNIs share lists the values of both). */
function flagUsage(flag: string): string {
  const rows = CNI_FLAGS.filter((r) => r.option.flag === flag);
  if (rows[0]!.option.cli === 'switch') return `--${flag}`;
  return `--${flag} ${unique(rows.flatMap((r) => r.option.values.map((v) => v.token))).join('|')}`;
}

const OPTION_FLAGS = unique(CNI_FLAGS.map((r) => r.option.flag));

export const WALK_USAGE =
  'usage: cli walk FILE.yaml --cni calico|cilium --from NS/POD --to NS/POD|NS/SERVICE|ip:A.B.C.D ' +
  '(--port N [--protocol TCP|UDP|SCTP] [--http METHOD:PATH] | --protocol ICMP [--icmp-type T] [--icmp-code C]) [--reply] ' +
  OPTION_FLAGS.map((f) => `[${flagUsage(f)}]`).join(' ') +
  ' [--json]';

/** `cli walk --help`: the usage, then one line per CNI option flag with its help. */
export const WALK_HELP = [
  WALK_USAGE,
  '',
  'ICMP: --protocol ICMP takes no --port; --icmp-type defaults to 8 (echo request, what ping sends)',
  'and --icmp-code to 0; --reply walks the echo reply (type 0).',
  '',
  'CNI options:',
  ...OPTION_FLAGS.map((flag) => {
    const rows = CNI_FLAGS.filter((r) => r.option.flag === flag);
    const cnis = rows.map((r) => r.cni).join(', ');
    return `  ${flagUsage(flag).padEnd(44)} (${cnis}) ${rows.map((r) => r.option.help).join('; ')}`;
  }),
].join('\n');

const FLAGS = [
  'json',
  'reply',
  ...OPTION_FLAGS.filter((f) =>
    CNI_FLAGS.some((r) => r.option.flag === f && r.option.cli === 'switch'),
  ),
];
const OPTIONS = [
  'cni',
  'from',
  'to',
  'port',
  'protocol',
  'icmp-type',
  'icmp-code',
  'http',
  ...OPTION_FLAGS.filter((f) =>
    CNI_FLAGS.some((r) => r.option.flag === f && r.option.cli === 'value'),
  ),
];

/** The CNI's config from the command line, over its defaults; every problem is reported. */
function readCniOptions<C>(
  cni: Cni,
  table: CniOptionTable<C>,
  flags: Set<string>,
  options: Map<string, string>,
  problems: string[],
): C {
  const own = optionsOf(table);
  // Flags only the other CNI has.
  for (const { cni: other, option } of CNI_FLAGS) {
    if (other === cni || own.some((o) => o.flag === option.flag)) continue;
    if (flags.has(option.flag) || options.has(option.flag))
      problems.push(
        `--${option.flag} applies to --cni ${other} only (${option.otherCni ?? option.help})`,
      );
  }
  let config = table.defaults;
  const given: AnyOption<C>[] = [];
  for (const o of own) {
    if (o.cli === 'switch') {
      if (!flags.has(o.flag)) continue;
      config = withValue(config, o, o.values[1]!.value);
    } else {
      const text = options.get(o.flag);
      if (text === undefined) continue;
      const row = valueByToken(o, text);
      if (!row) {
        problems.push(
          `--${o.flag}: "${text}" is not one of ${o.values.map((v) => v.token).join(', ')} (${o.help})`,
        );
        continue;
      }
      config = withValue(config, o, row.value);
    }
    given.push(o);
  }
  // An option the walk would override (it has an inactive value) may not be asked for in vain.
  for (const o of given) {
    const unused = unusedReason(o, config);
    if (
      unused &&
      o.inactive !== undefined &&
      !optionApplies(o, config) &&
      valueOf(o, config) !== o.inactive
    )
      problems.push(`--${o.flag}: ${unused.short}: ${unused.why}`);
  }
  return config;
}

/** Reads the walk configuration and the packet from the command line; all problems at once. */
export function parseWalkArgs(args: readonly string[]): {
  file: string;
  config: WalkConfig;
  packet: PacketSpec;
  json: boolean;
} {
  const { positional, flags, options } = parseArgs(args, { flags: FLAGS, options: OPTIONS });
  const problems: string[] = [];
  if (positional.length !== 1) problems.push('expected exactly one manifest file');
  const cni = options.get('cni');
  if (cni === undefined) problems.push('--cni is required (calico or cilium)');
  else if (cni !== 'calico' && cni !== 'cilium')
    problems.push(`--cni: "${cni}" is not one of calico, cilium`);
  const protocol = (options.get('protocol') ?? 'TCP').toUpperCase();
  if (!PROBE_PROTOCOLS.includes(protocol as ProbeProtocol))
    problems.push(`--protocol: "${options.get('protocol')}" is not one of TCP, UDP, SCTP, ICMP`);
  const isIcmp = protocol === 'ICMP';
  for (const required of isIcmp ? (['from', 'to'] as const) : (['from', 'to', 'port'] as const)) {
    if (!options.has(required)) problems.push(`--${required} is required`);
  }
  const portText = options.get('port');
  const port = isIcmp ? 0 : Number(portText);
  if (isIcmp && portText !== undefined)
    problems.push(
      '--port: an ICMP packet has no ports (give --icmp-type, and --icmp-code, instead)',
    );
  else if (portText !== undefined && (!/^\d+$/.test(portText) || port < 1 || port > 65535))
    problems.push(`--port: "${portText}" is not an integer between 1 and 65535`);
  let icmp: IcmpTypeCode | undefined;
  const icmpField = (flag: 'icmp-type' | 'icmp-code', fallback: number): number => {
    const text = options.get(flag);
    if (text === undefined) return fallback;
    if (!isIcmp) problems.push(`--${flag} needs --protocol ICMP`);
    const n = Number(text);
    if (!/^\d+$/.test(text) || n > 255) {
      problems.push(`--${flag}: "${text}" is not an integer between 0 and 255`);
      return fallback;
    }
    return n;
  };
  const type = icmpField('icmp-type', 8);
  const code = icmpField('icmp-code', 0);
  if (isIcmp) icmp = { type, code };
  let http: HttpRequest | undefined;
  const httpText = options.get('http');
  if (httpText !== undefined) {
    const m = /^([A-Za-z]+):(\/.*)$/.exec(httpText);
    if (!m) problems.push(`--http: "${httpText}" is not METHOD:PATH (e.g. GET:/api/v1/orders)`);
    else http = { method: m[1]!.toUpperCase(), path: m[2]! };
    if (protocol !== 'TCP') problems.push('--http needs --protocol TCP');
  }
  let config: WalkConfig | undefined;
  if (cni === 'calico')
    config = { cni, calico: readCniOptions(cni, CNI_OPTIONS.calico, flags, options, problems) };
  else if (cni === 'cilium')
    config = { cni, cilium: readCniOptions(cni, CNI_OPTIONS.cilium, flags, options, problems) };
  if (problems.length > 0 || !config) throw new CliError([...problems, WALK_USAGE]);
  return {
    file: positional[0]!,
    config,
    json: flags.has('json'),
    packet: {
      from: options.get('from')!,
      to: options.get('to')!,
      port,
      protocol: protocol as ProbeProtocol,
      ...(icmp ? { icmp } : {}),
      ...(http ? { http } : {}),
      ...(flags.has('reply') ? { reply: true } : {}),
    },
  };
}

export function runWalk(args: readonly string[], io: Io): number {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(WALK_HELP);
    return 0;
  }
  const { file, config, packet, json } = parseWalkArgs(args);
  const { cluster } = loadCluster(file, io, { quietWarnings: json });
  let result: WalkResult;
  try {
    result = walk(createEngine(cluster), config, packet);
  } catch (error) {
    if (error instanceof WalkInputError) throw new CliError([`${file}: error: ${error.message}`]);
    throw error;
  }
  if (json) io.out(JSON.stringify(walkJson(result)));
  else printWalk(result, io);
  return 0;
}

export function formatHeader(h: PacketHeader): string {
  const port = (p: number | undefined) => (p === undefined ? '' : `:${p}`);
  const extra = [
    h.ipProtocol !== undefined && h.proto !== 'TCP' && h.proto !== 'UDP' && h.proto !== 'SCTP'
      ? `IP proto ${h.ipProtocol}`
      : '',
    h.vni !== undefined ? `VNI ${h.vni}` : '',
    h.spi !== undefined ? `SPI 0x${h.spi.toString(16)}` : '',
    h.bytes !== undefined ? `+${h.bytes} B` : '',
  ].filter(Boolean);
  const proto = h.icmp ? formatIcmp(h.icmp) : h.proto;
  return `${proto} ${h.src}${port(h.sport)} → ${h.dst}${port(h.dport)}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

function printWalk(r: WalkResult, io: Io): void {
  io.out(`${describeWalkConfig(resultConfig(r))}`);
  io.out(`${r.title}`);
  io.out('');
  r.hops.forEach((h, i) => {
    io.out(`${String(i + 1).padStart(2)}. [${h.stage}] ${h.node}: ${h.where}`);
    if (h.table) io.out(`      table:   ${h.table}`);
    if (h.match) io.out(`      match:   ${h.match}`);
    h.headers.forEach((hd, j) =>
      io.out(`      ${j === 0 ? 'headers:' : '        '} ${'  '.repeat(j)}${formatHeader(hd)}`),
    );
    if (h.cost.rules || h.cost.lookups)
      io.out(`      cost:    ${h.cost.rules} rules, ${h.cost.lookups} map lookups`);
    io.out(`      why:     ${h.explanation}`);
  });
  const total = costUpTo(r.hops, r.hops.length - 1);
  io.out('');
  io.out(
    r.verdict === 'delivered'
      ? `Verdict: delivered (${total.rules} rules tested, ${total.lookups} map lookups; pod MTU ${r.podMtu})`
      : `Verdict: dropped: ${r.dropReason} (${total.rules} rules tested, ${total.lookups} map lookups)`,
  );
  for (const note of r.notes) io.out(`Note: ${note}`);
}
