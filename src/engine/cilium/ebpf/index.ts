/**
 * The Cilium eBPF datapath model: the policy compiled the way the agent compiles it into BPF maps,
 * and a packet judged the way bpf_lxc.c judges it, by map lookups. This index is the model's public
 * face; each concern lives in its own module beside it (types, identities, selectorCache, portKey,
 * mapState, rules, endpoint, compile, lookup, decision).
 *
 * What is modelled (cilium/cilium sources cited where each part is built):
 * - Security identities (pkg/identity/numericidentity.go): reserved ones with their real numbers
 *   (1 host, 2 world, 3 unmanaged, 4 health, 5 init, 6 remote-node, 7 kube-apiserver, 8 ingress;
 *   9/10 exist only in dual-stack clusters), cluster-wide ones from 256 (PacketWalk hands them out in
 *   the order of the sorted label sets; a real cluster allocates them as endpoints appear) and
 *   node-local ones from 1<<24 | 1 for CIDR prefixes the policies name (and, in PacketWalk, nodes an
 *   ipBlock tells apart: identity.ts).
 * - The ipcache `cilium_ipcache_v2` (bpf/lib/common.h, pkg/maps/ipcache): an LPM map from prefix to
 *   identity, one per node: pod /32s, node /32s (the node's own address is `host`, every other node's
 *   `remote-node`), the CIDR prefixes of policies, and 0.0.0.0/0 for `world`.
 * - One policy map per endpoint, `cilium_policy_v2_<EPID>` with the endpoint ID zero-padded to five
 *   digits (pkg/bpf `LocalMapName`: `%s%05d`), keyed LPM-style {remote identity, direction,
 *   protocol, destination port prefix} (bpf/lib/policy.h `struct policy_key`; protocol is wildcarded
 *   only together with the port, the port can be a prefix so endPort ranges become several entries)
 *   with {deny, proxy_port} values. Entries are inserted with the agent's precedence rules
 *   (pkg/policy/mapstate.go `insertWithChanges`): a deny deletes the allows and denies it covers and
 *   is dropped when another deny covers it; an allow is dropped when a deny or a higher proxy-port
 *   priority entry covers it, and a redirect deletes the plain allows it covers. "Covers" means a
 *   broader or equal protocol/port and the same identity or identity 0 (ANY).
 * - The lookup of bpf/lib/policy.h `__policy_can_access`: an LPM lookup with the exact remote
 *   identity; a deny found there decides. Otherwise a second lookup with identity 0 (L4-only), whose
 *   result wins if it is a deny, if the first found nothing, if it has a higher proxy port priority,
 *   or the same priority and a longer prefix. Nothing found: drop, reason 133 "Policy denied"; a
 *   deny entry: drop, reason 181 "Policy denied by denylist" (pkg/monitor/api/drop.go).
 * - Redirects to the proxy (`proxy_port`), and what Cilium sends Envoy for each port (pkg/envoy/
 *   server.go `getPortNetworkPolicyRule`, `getWildcardNetworkPolicyRule`): the remote identities each
 *   rule allows and its HTTP rules, or none for "allow every request".
 *
 * Not modelled: conntrack (every probe is a new connection), the host firewall (policies with a
 * nodeSelector), auth, FQDN, services/load balancing (probes name pods or addresses).
 */
export type {
  CiliumDataplane,
  CiliumEndpoint,
  CiliumIdentity,
  DataplaneIndex,
  IdentityScope,
  IpcacheEntry,
  PolicyMapEntry,
  ProxyPolicyRule,
} from './types';
export { ID_ANY, ID_HOST, ID_REMOTE_NODE, ID_WORLD, PROTO_NUMBER } from './types';
export { portRangePrefixes } from './portKey';
export { ciliumStats, compileCilium, policyMapName } from './compile';
export { ciliumModelDecision } from './decision';
export { recompileCilium } from './recompile';
export { ciliumModelVerdict, ciliumVerdictIndex, type LookupCounter } from './verdict';
export { dumpCiliumMaps } from '../dump';
