/**
 * What a compiled model did, step by step, as data: every iptables rule the Calico walker tested,
 * every map lookup the Cilium model made, and what ended the walk. Consumers (the datapath's hop
 * rows, tests) read the fields; `formatTraceEvent` is the one place that turns an event into text.
 *
 * A leaf module on purpose (no imports but a leaf printer): the model's types refer to it, so it
 * must not refer back to them.
 */
import { formatPortKey, PROTO_NAME } from './cilium/policyKey';

type Dir = 'ingress' | 'egress';

/** One iptables rule tested by the Calico walker (engine/calico/walk.ts). */
export interface RuleEvent {
  readonly kind: 'rule';
  readonly node: string;
  readonly table: 'filter';
  readonly chain: string;
  /** 1-based, as `iptables -L --line-numbers` counts. */
  readonly index: number;
  /** The rule as iptables-save prints it after `-A <chain>` (matches, target, comment). */
  readonly rule: string;
  readonly result: 'match' | 'no-match';
  /** What the rule does when it matches (the model's action kinds). */
  readonly action: 'accept' | 'drop' | 'return' | 'jump' | 'goto' | 'mark' | 'log' | 'none';
  /** The chain a `-j`/`-g` rule enters. */
  readonly target?: string;
}

/** The walk fell off the end of a built-in chain, whose policy decided. */
export interface ChainPolicyEvent {
  readonly kind: 'chain-policy';
  readonly node: string;
  readonly table: 'filter';
  readonly chain: string;
  readonly policy: 'ACCEPT' | 'DROP';
}

/** `cilium_ipcache_v2` on one node: the remote address to its security identity (an LPM hit). */
export interface IpcacheLookupEvent {
  readonly kind: 'lookup';
  readonly table: 'ipcache';
  readonly map: 'cilium_ipcache_v2';
  readonly node: string;
  /** The side whose policy the identity is for (ingress: it is the source's identity). */
  readonly direction: Dir;
  readonly key: { readonly ip: string };
  /** The ipcache has 0.0.0.0/0 (world), so the lookup always hits. */
  readonly result: 'hit';
  readonly value: { readonly prefix: string; readonly identity: number };
}

/** A policy map key, `struct policy_key` (bpf/lib/policy.h) as the model looks it up. */
export interface PolicyKey {
  /** Remote identity; 0 = ANY. */
  readonly identity: number;
  readonly direction: Dir;
  readonly proto: number;
  /** Destination port (for ICMP: the type). */
  readonly port: number;
}

/** The entry found: its key's protocol/port prefix and its value. */
export interface PolicyValue {
  readonly proto: number;
  readonly port: number;
  readonly prefixLen: number;
  readonly deny: boolean;
  /** 0 unless the entry redirects to the proxy. */
  readonly proxyPort: number;
}

/** `cilium_policy_v2_<EPID>`: one LPM lookup of an endpoint's policy map. */
export interface PolicyLookupEvent {
  readonly kind: 'lookup';
  readonly table: 'policy';
  /** `cilium_policy_v2_00123`. */
  readonly map: string;
  readonly endpoint: number;
  readonly key: PolicyKey;
  readonly result: 'hit' | 'miss';
  readonly value?: PolicyValue;
}

export type LookupEvent = IpcacheLookupEvent | PolicyLookupEvent;

/** ICMP fragmentation-needed, let through before the policy lookup (allow_icmp_frag_needed). */
export interface FragNeededEvent {
  readonly kind: 'frag-needed';
  readonly map: string;
  readonly endpoint: number;
  readonly direction: Dir;
}

/** Envoy's answer to a redirected HTTP request. */
export interface ProxyEvent {
  readonly kind: 'proxy';
  /** `cilium-http-ingress` / `cilium-http-egress`. */
  readonly listener: string;
  readonly port: number;
  readonly direction: Dir;
  /** `GET /path`. */
  readonly request: string;
  readonly result: 'allowed' | 'denied';
  /** Allowed: the rule that allows every request on the port, when one did. */
  readonly openRule?: string;
  /** Denied: the HTTP status and body Envoy answers with. */
  readonly status?: number;
  readonly body?: string;
}

/** The datapath dropped the packet, with the drop reason as Hubble prints it. */
export interface DropEvent {
  readonly kind: 'drop';
  /** `Policy denied`. */
  readonly reason: string;
  /** pkg/monitor/api/drop.go: 133, 181. */
  readonly code: number;
}

export type TraceEvent =
  RuleEvent | ChainPolicyEvent | LookupEvent | FragNeededEvent | ProxyEvent | DropEvent;

export const isIpcacheLookup = (e: TraceEvent): e is IpcacheLookupEvent =>
  e.kind === 'lookup' && e.table === 'ipcache';
export const isPolicyLookup = (e: TraceEvent): e is PolicyLookupEvent =>
  e.kind === 'lookup' && e.table === 'policy';

/** `{identity 0 (ANY), ingress, TCP, 80}`. */
export const formatPolicyKey = (k: PolicyKey): string =>
  `{identity ${k.identity === 0 ? '0 (ANY)' : k.identity}, ${k.direction}, ${PROTO_NAME[k.proto]}, ${k.port}}`;

/** `80/TCP allow`, `ANY deny`, `80/TCP redirect to proxy port 15001`. */
export const formatPolicyValue = (v: PolicyValue): string =>
  `${formatPortKey(v.proto, v.port, v.prefixLen)} ${v.deny ? 'deny' : v.proxyPort ? `redirect to proxy port ${v.proxyPort}` : 'allow'}`;

export interface FormatOptions {
  /** Print lookups as `map {key} -> value` rather than `map lookup {key} -> value`. */
  readonly verb?: boolean;
}

/** One event as a line of text (the wording the inspector, the CLI and the tests know). */
export function formatTraceEvent(e: TraceEvent, opts: FormatOptions = {}): string {
  const lookup = opts.verb === false ? '' : ' lookup';
  switch (e.kind) {
    case 'rule':
      return `${e.node} ${e.chain} #${e.index} ${e.rule}: ${e.result === 'match' ? 'match' : 'no match'}`;
    case 'chain-policy':
      return `${e.node} ${e.chain}: end of chain, policy ${e.policy}`;
    case 'lookup':
      return e.table === 'ipcache'
        ? `${e.map} (${e.node})${lookup} ${e.key.ip} -> ${e.value.prefix} identity ${e.value.identity}${e.direction === 'ingress' ? ' (source identity)' : ''}`
        : `${e.map}${lookup} ${formatPolicyKey(e.key)} -> ${e.value ? formatPolicyValue(e.value) : 'no entry'}`;
    case 'frag-needed':
      return `${e.map}: ICMP type 3 code 4 (fragmentation needed) allowed before the lookup`;
    case 'proxy':
      return `${e.listener} (port ${e.port}) ${e.request} -> ${
        e.result === 'denied'
          ? `${e.status} ${e.body}`
          : e.openRule
            ? `allowed (${e.openRule} has no HTTP rules)`
            : 'allowed'
      }`;
    case 'drop':
      return `drop: ${formatDrop(e)}`;
  }
}

/** `Policy denied (133)`. */
export const formatDrop = (e: DropEvent): string => `${e.reason} (${e.code})`;

/** A whole trace, one line per event. */
export const formatTrace = (trace: readonly TraceEvent[], opts?: FormatOptions): string[] =>
  trace.map((e) => formatTraceEvent(e, opts));
