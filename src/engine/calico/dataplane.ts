/**
 * The compiled Felix iptables dataplane: plain data (no functions), so it can be inspected, printed
 * and sent across the worker boundary. `iptables.ts` builds and walks it; `iptablesSave.ts` prints
 * it the way `iptables-save` and `ipset save` print a real node's tables.
 */
import type { Cidr } from '../cidr';
import type { CalicoAction, Direction, Protocol } from '../model';

/** One match of an iptables rule, in the order Felix renders it. */
export type IptMatch =
  /** `-m conntrack --ctstate …` (`!` when negated). */
  | { readonly kind: 'ctstate'; readonly states: readonly string[]; readonly negate?: boolean }
  /** `-m mark --mark value/mask`: true when (mark & mask) == value. */
  | {
      readonly kind: 'mark';
      readonly value: number;
      readonly mask: number;
      readonly negate?: boolean;
    }
  /** `-i`/`-o`; a name ending in `+` is a prefix wildcard. */
  | { readonly kind: 'iface'; readonly dir: 'in' | 'out'; readonly name: string }
  /** `-p`: a protocol number (printed by name when it has one). */
  | { readonly kind: 'proto'; readonly number: number; readonly negate?: boolean }
  /** `-s`/`-d`. */
  | {
      readonly kind: 'net';
      readonly dir: 'src' | 'dst';
      readonly cidr: Cidr;
      readonly negate?: boolean;
    }
  /** `-m set --match-set NAME src|dst` (hash:net) or `src,src`/`dst,dst` (hash:ip,port). */
  | {
      readonly kind: 'set';
      readonly dir: 'src' | 'dst';
      readonly set: string;
      readonly ipPort: boolean;
      readonly negate?: boolean;
    }
  /** `-m icmp [!] --icmp-type T[/C]` (match_builder.go `ICMPType`, `NotICMPTypeAndCode`…). */
  | {
      readonly kind: 'icmp';
      readonly type: number;
      readonly code?: number;
      readonly negate?: boolean;
    }
  /** `-m multiport --sports|--dports a,b:c`. */
  | {
      readonly kind: 'ports';
      readonly dir: 'src' | 'dst';
      readonly ranges: readonly (readonly [number, number])[];
      readonly negate?: boolean;
    };

export type IptAction =
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'return' }
  | { readonly kind: 'jump'; readonly target: string }
  | { readonly kind: 'goto'; readonly target: string }
  /** `-j MARK --set-xmark value/mask`: the bits of `mask` become those of `value`. */
  | { readonly kind: 'mark'; readonly value: number; readonly mask: number }
  | { readonly kind: 'log'; readonly prefix: string }
  /** A rule with no target (Felix writes one to carry a comment): matching it does nothing. */
  | { readonly kind: 'none' };

/** Where a rule comes from, so a verdict can name the policy and rule behind it. */
export type RuleOrigin =
  | {
      readonly kind: 'policy-rule';
      /** `formatRef` of the policy (`NetworkPolicy shop/allow-web`). */
      readonly policy: string;
      readonly tier: string;
      readonly direction: Direction;
      /** `spec.ingress[0]`, as the user wrote it (a Kubernetes rule may become several). */
      readonly rule: string;
      readonly action: CalicoAction;
    }
  | { readonly kind: 'profile'; readonly profile: string; readonly direction: Direction }
  | {
      readonly kind: 'start-of-tier';
      readonly tier: string;
      readonly defaultAction: 'Deny' | 'Pass';
      /** The enforced policies of this tier that apply to the endpoint in this direction. */
      readonly policies: readonly string[];
      /** Of those, the ones without a single rule in this direction. */
      readonly ruleless: readonly string[];
    }
  | { readonly kind: 'end-of-tier'; readonly tier: string }
  | { readonly kind: 'no-profile-matched' }
  | { readonly kind: 'encap-guard' }
  | { readonly kind: 'host-to-workload' }
  | { readonly kind: 'endpoint-to-host' }
  | { readonly kind: 'unknown-interface' };

export interface IptRule {
  readonly matches: readonly IptMatch[];
  readonly action: IptAction;
  /** `-m comment --comment` texts, in order. */
  readonly comments: readonly string[];
  readonly origin?: RuleOrigin;
  /**
   * Mark bits PacketWalk clears before testing this rule, where Felix's own rules would leave a
   * scratch bit set (see `iptables.ts`, "stale scratch bit"). Not part of the printed rule.
   */
  readonly modelClearsBefore?: number;
}

export interface IptChain {
  readonly name: string;
  readonly rules: readonly IptRule[];
}

export interface CalicoIpSet {
  readonly name: string;
  readonly type: 'hash:net' | 'hash:ip,port';
  /** As `ipset save` prints them: `10.244.1.5`, `10.0.0.0/8`, `10.244.1.5,tcp:8080`. */
  readonly members: readonly string[];
  /** The Felix selector (after Calico's rewriting) whose endpoints and network sets fill the set. */
  readonly selector: string;
  /** `any` for a rule without a protocol: each port of that name joins with its own protocol. */
  readonly namedPort?: { readonly name: string; readonly protocol: NamedPortProtocol };
}

/** The protocol a named port set is looked up with (felix ipsetmember.Protocol; `any` = ProtocolAny). */
export type NamedPortProtocol = Protocol | 'any';

export interface CalicoWorkload {
  /** `ns/pod`. */
  readonly pod: string;
  readonly node: string;
  readonly ip: string;
  /** The host side of the veth, e.g. `cali1a2b3c4d5e6`. */
  readonly iface: string;
  /** `cali-tw-<iface>` (ingress) and `cali-fw-<iface>` (egress). */
  readonly toChain: string;
  readonly fromChain: string;
  readonly profiles: readonly string[];
}

/** What one node's filter table holds. */
export interface CalicoNodeTables {
  readonly node: string;
  readonly internalIP: string;
  /** Chains whose content is particular to this node: built-ins, static and dispatch chains. */
  readonly chains: Readonly<Record<string, IptChain>>;
  /** Every Calico chain programmed on the node (node-local and shared), sorted by name. */
  readonly programmed: readonly string[];
  /** The IP sets the node's chains refer to, sorted by name. */
  readonly ipsets: readonly string[];
  readonly workloads: readonly string[];
}

/** felix/dataplane/driver.go mark bits (default IptablesMarkMask 0xffff0000, lowest bits first). */
export interface CalicoMarks {
  readonly accept: number;
  readonly pass: number;
  readonly drop: number;
  readonly scratch0: number;
  readonly scratch1: number;
}

export interface CalicoDataplane {
  /** The Felix behaviour modelled, for display. */
  readonly felix: string;
  readonly marks: CalicoMarks;
  readonly nodes: Readonly<Record<string, CalicoNodeTables>>;
  /** Chains identical on every node that programs them: endpoint, policy, group, profile chains. */
  readonly chains: Readonly<Record<string, IptChain>>;
  readonly ipsets: Readonly<Record<string, CalicoIpSet>>;
  /** By `ns/pod`. */
  readonly workloads: Readonly<Record<string, CalicoWorkload>>;
  /** The model tests (and counts) the conntrack rules at the top of each endpoint chain. */
  readonly countsConntrackRules: boolean;
}
