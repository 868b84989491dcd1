/**
 * One step of a packet's walk through a node's datapath, the unit the machine steps through and the
 * visualizer draws. Pure data: serialisable, so it crosses the worker boundary and the URL.
 */
import type { IcmpTypeCode } from '../engine/model';
import type { TraceEvent } from '../engine/trace';
import type { HopPlace } from './place';

/** The lifecycle stages of a packet, in the order a packet that crosses nodes meets them. */
export const STAGES = [
  'in-pod',
  'egress-hook',
  'egress-policy',
  'service-lb',
  'routing',
  'encapsulation',
  'wire',
  'ingress-hook',
  'ingress-policy',
  'delivered',
  'dropped',
] as const;

export type Stage = (typeof STAGES)[number];

/** Stages a walk ends in. */
export const FINAL_STAGES: readonly Stage[] = ['delivered', 'dropped'];

export const isFinalStage = (stage: Stage): boolean => FINAL_STAGES.includes(stage);

export interface PacketHeader {
  /** e.g. `IPv4`, `TCP`, `UDP`, `VXLAN`, `IPIP`. */
  readonly proto: string;
  readonly src: string;
  readonly dst: string;
  readonly sport?: number;
  readonly dport?: number;
  /** ICMP only (no ports): the header's type and code. */
  readonly icmp?: IcmpTypeCode;
  /** The outer IP header's protocol number for an encapsulation (4 IPIP, 17 UDP, 50 ESP). */
  readonly ipProtocol?: number;
  /** Bytes this header adds in front of the inner packet (encapsulations only). */
  readonly bytes?: number;
  /** VXLAN/Geneve network identifier (Cilium puts the source security identity here). */
  readonly vni?: number;
  /** IPsec security parameter index. */
  readonly spi?: number;
}

export interface HopCost {
  /** iptables rules tested at this hop. */
  readonly rules: number;
  /** eBPF map lookups made at this hop. */
  readonly lookups: number;
}

/**
 * One row of the table a hop consulted, for the inspector: a route of `ip route`, an iptables rule
 * the packet was tested against, an eBPF map lookup (key -> value).
 */
export interface HopRow {
  /** The row as the real tool prints it. */
  readonly text: string;
  /**
   * `matched`: the row that decided this hop (exactly one per table that decided something);
   * `tested`: looked at on the way; `not-reached`: in the table but never looked at.
   */
  readonly state: 'matched' | 'tested' | 'not-reached';
  /** What testing this row gave, in words: `no match`, `match: jump taken`, `no entry`… */
  readonly outcome?: string;
  /**
   * The chain (or program section) the row belongs to, when one hop's rows span several:
   * an iptables hop walks FORWARD, cali-FORWARD, the dispatch, endpoint, policy and profile chains.
   */
  readonly chain?: string;
  /**
   * The model's trace event behind the row (a rule tested, a map lookup), when there is one: what
   * the Dataplane panel finds the row by in a node's dump (datapath/dataplaneDump.ts).
   */
  readonly event?: TraceEvent;
}

export interface Hop {
  readonly stage: Stage;
  readonly node: string;
  /**
   * Where the hop happens, as data: the drawn element, the elements passed on the way, the layer
   * and hook. Set by the walks; the scene places the hop by it, never by `where`.
   */
  readonly place: HopPlace;
  /** The interface or hook, e.g. `cali1a2b3c4d5e6` or `lxc… tc ingress (cil_from_container)`. */
  readonly where: string;
  /** The table consulted: a routing table, an iptables chain, an eBPF map. */
  readonly table?: string;
  /** What matched in that table, as the real tool prints it. */
  readonly match?: string;
  /**
   * The table's rows in the order they were consulted (the whole table for a routing decision),
   * when the hop consulted more than the one row `match` names.
   */
  readonly rows?: readonly HopRow[];
  /** Headers after this hop, outermost first. */
  readonly headers: readonly PacketHeader[];
  readonly cost: HopCost;
  /** Plain-language account of what this hop does and why. */
  readonly explanation: string;
}

export const ZERO_COST: HopCost = { rules: 0, lookups: 0 };

/** The running total a panel shows: rules tested and lookups made up to and including hop `index`. */
export function costUpTo(hops: readonly Hop[], index: number): HopCost {
  let rules = 0;
  let lookups = 0;
  for (let i = 0; i <= index && i < hops.length; i++) {
    rules += hops[i]!.cost.rules;
    lookups += hops[i]!.cost.lookups;
  }
  return { rules, lookups };
}
