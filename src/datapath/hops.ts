/**
 * Small helpers the CNI walkers share to build hops and header stacks.
 */
import { cidrContains } from '../engine/cidr';
import type { ProbeProtocol } from '../engine/model';
import { formatIcmp } from '../engine/probe';
import type { TraceEvent } from '../engine/trace';
import type { FiveTuple } from './flow';
import type { Hop, HopCost, HopRow, PacketHeader, Stage } from './hop';
import { place, type HopPlace } from './place';
import type { Route } from './routes';

export interface HopInput {
  readonly stage: Stage;
  readonly node: string;
  readonly place: HopPlace;
  readonly where: string;
  readonly table: string;
  readonly match: string;
  readonly rows?: readonly HopRow[];
  readonly headers: readonly PacketHeader[];
  readonly cost?: Partial<HopCost>;
  readonly explanation: string;
}

export const makeHop = (h: HopInput): Hop => ({
  stage: h.stage,
  node: h.node,
  place: h.place,
  where: h.where,
  table: h.table,
  match: h.match,
  ...(h.rows ? { rows: h.rows } : {}),
  headers: h.headers,
  cost: { rules: h.cost?.rules ?? 0, lookups: h.cost?.lookups ?? 0 },
  explanation: h.explanation,
});

/** The pod packet itself: IPv4 plus its transport header (or ICMP header, no ports), as one layer. */
export const l4Header = (t: FiveTuple): PacketHeader =>
  t.icmp
    ? { proto: 'ICMP', src: t.src, dst: t.dst, icmp: t.icmp }
    : { proto: t.protocol, src: t.src, dst: t.dst, sport: t.sport, dport: t.dport };

export const tupleOf = (
  protocol: ProbeProtocol,
  src: string,
  sport: number,
  dst: string,
  dport: number,
): FiveTuple => ({ protocol, src, sport, dst, dport });

/** `TCP 10.244.0.5:40000 → 10.244.1.10:80`, or `ICMP echo-request (type 8, code 0) 10.244.0.5 → 10.244.1.10`. */
export const describeTuple = (t: FiveTuple): string =>
  t.icmp
    ? `${formatIcmp(t.icmp)} ${t.src} → ${t.dst}`
    : `${t.protocol} ${t.src}:${t.sport} → ${t.dst}:${t.dport}`;

/** What a tuple sends to: `10.244.1.10:80`, or just the address for ICMP. */
export const tupleDest = (t: FiveTuple): string => (t.icmp ? t.dst : `${t.dst}:${t.dport}`);

/** What a CNI's walk returns: its hops, the pod MTU of its configuration, its notes. */
export interface CniWalk {
  readonly log: HopLog;
  readonly podMtu: number;
  readonly notes: string[];
}

/** Collects hops; a drop ends the walk. */
export class HopLog {
  readonly hops: Hop[] = [];
  dropReason: string | undefined;

  add(h: HopInput): this {
    this.hops.push(makeHop(h));
    return this;
  }

  drop(h: Omit<HopInput, 'stage'>, reason: string): this {
    this.hops.push(makeHop({ ...h, stage: 'dropped' }));
    this.dropReason = reason;
    return this;
  }

  get dropped(): boolean {
    return this.dropReason !== undefined;
  }
}

/**
 * The packet leaving its pod (or the pod answering, for a reply): the pod's routing table, where
 * the CNI's default route (`defaultRoute`) sends everything into the host. `how` goes on after
 * "<pod> sends <tuple>" and says how the CNI makes that route work.
 */
export function podSendsHop(
  log: HopLog,
  pod: string,
  node: string,
  t: FiveTuple,
  reply: boolean,
  defaultRoute: string,
  how: string,
): void {
  log.add({
    stage: 'in-pod',
    node,
    place: place.pod(node, pod),
    where: `eth0 in ${pod} (network namespace)`,
    table: `ip route (${pod})`,
    match: defaultRoute,
    headers: [l4Header(t)],
    explanation: `${pod} ${reply ? 'answers' : 'sends'} ${describeTuple(t)}${how}`,
  });
}

/**
 * A routing table as `ip route` prints it, with the route the kernel chose marked: the longest
 * prefix that covers the destination. A route the main table does not hold (the local table's
 * `local …` entry) is shown alone.
 */
export function routeRows(routes: readonly Route[], chosen: Route, dst: string): HopRow[] {
  const isChosen = (r: Route) => r === chosen || r.text === chosen.text;
  if (!routes.some(isChosen)) return [{ text: chosen.text, state: 'matched', outcome: 'chosen' }];
  const table = routes;
  const prefix = (r: Route) => (r.dst === 'default' ? 0 : r.dst.prefix);
  let marked = false;
  return table.map((r): HopRow => {
    if (!marked && isChosen(r)) {
      marked = true;
      return {
        text: r.text,
        state: 'matched',
        outcome:
          r.dst === 'default'
            ? `chosen: no more specific route covers ${dst}`
            : `chosen: the longest prefix covering ${dst}`,
      };
    }
    const covers = r.dst === 'default' || cidrContains(r.dst, dst);
    return {
      text: r.text,
      state: 'tested',
      outcome: covers
        ? `covers ${dst} too, but /${prefix(r)} is shorter than /${prefix(chosen)}`
        : `does not cover ${dst}`,
    };
  });
}

/**
 * eBPF map lookups in the order made, as `map {key} -> value`, with the one that decided marked.
 * `decidingIndex` defaults to the last lookup.
 */
export function lookupRows(
  lines: readonly string[],
  decidingIndex = lines.length - 1,
  events?: readonly TraceEvent[],
): HopRow[] {
  const noEntry = (text: string) => / -> no entry$/.test(text);
  return lines.map((text, i): HopRow => ({
    ...lookupRow(text, i === decidingIndex, noEntry(text)),
    ...(events?.[i] ? { event: events[i] } : {}),
  }));
}

function lookupRow(text: string, deciding: boolean, noEntry: boolean): HopRow {
  if (deciding)
    return {
      text,
      state: 'matched',
      outcome: noEntry ? 'decided: no entry allows it, so the packet is dropped' : 'decided',
    };
  return {
    text,
    state: 'tested',
    outcome: noEntry
      ? 'no entry'
      : text.startsWith('cilium_ipcache')
        ? 'gave the identity'
        : 'looked up',
  };
}
