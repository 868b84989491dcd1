/**
 * Small helpers the CNI walkers share to build hops and header stacks.
 */
import type { Protocol } from '../engine/model';
import type { FiveTuple } from './flow';
import type { Hop, HopCost, PacketHeader, Stage } from './hop';

export interface HopInput {
  readonly stage: Stage;
  readonly node: string;
  readonly where: string;
  readonly table: string;
  readonly match: string;
  readonly headers: readonly PacketHeader[];
  readonly cost?: Partial<HopCost>;
  readonly explanation: string;
}

export const makeHop = (h: HopInput): Hop => ({
  stage: h.stage,
  node: h.node,
  where: h.where,
  table: h.table,
  match: h.match,
  headers: h.headers,
  cost: { rules: h.cost?.rules ?? 0, lookups: h.cost?.lookups ?? 0 },
  explanation: h.explanation,
});

/** The pod packet itself: IPv4 plus its transport header, as one layer. */
export const l4Header = (t: FiveTuple): PacketHeader => ({
  proto: t.protocol,
  src: t.src,
  dst: t.dst,
  sport: t.sport,
  dport: t.dport,
});

export const tupleOf = (
  protocol: Protocol,
  src: string,
  sport: number,
  dst: string,
  dport: number,
): FiveTuple => ({ protocol, src, sport, dst, dport });

export const describeTuple = (t: FiveTuple): string =>
  `${t.protocol} ${t.src}:${t.sport} → ${t.dst}:${t.dport}`;

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
