/**
 * The names Felix gives interfaces, chains and policy IDs. Each is computed the way Calico computes
 * it, so the names PacketWalk shows are the ones `iptables-save` shows on a real node.
 */
import { memoByText, sha1, sha256, toBase64Url, toHex } from '../hash';
import { sha3_224 } from './sha3';

/** felix/iptables `MaxChainNameLength`: the kernel's limit for a chain name is 28 characters. */
export const MAX_CHAIN_NAME_LENGTH = 28;

/** felix/rules/rule_defs.go chain name prefixes. */
export const CHAIN = {
  forward: 'cali-FORWARD',
  input: 'cali-INPUT',
  output: 'cali-OUTPUT',
  fromWorkloadDispatch: 'cali-from-wl-dispatch',
  toWorkloadDispatch: 'cali-to-wl-dispatch',
  workloadToHost: 'cali-wl-to-host',
  fromHostEndpointForward: 'cali-from-hep-forward',
  toHostEndpointForward: 'cali-to-hep-forward',
  fromHostEndpoint: 'cali-from-host-endpoint',
  toHostEndpoint: 'cali-to-host-endpoint',
  cidrBlock: 'cali-cidr-block',
  /** Traffic to a workload: its ingress policy. */
  toWorkload: 'cali-tw-',
  /** Traffic from a workload: its egress policy. */
  fromWorkload: 'cali-fw-',
  policyInbound: 'cali-pi-',
  policyOutbound: 'cali-po-',
  profileInbound: 'cali-pri-',
  profileOutbound: 'cali-pro-',
  groupInbound: 'cali-gi-',
  groupOutbound: 'cali-go-',
} as const;

/**
 * The host side of a pod's veth: `cali` + the first 11 hex digits of SHA-1("<namespace>.<pod>")
 * (libcalico-go/lib/backend/k8s/conversion/workload_endpoint_default.go `VethNameForWorkload`;
 * `cali` is the default FELIX_INTERFACEPREFIX).
 */
export function calicoInterfaceName(namespace: string, pod: string): string {
  return vethName(`${namespace}.${pod}`);
}
const vethName = memoByText((text) => 'cali' + toHex(sha1(text)).slice(0, 11));

/** base64url(SHA-256(text)), kept by text: every endpoint names its policies' chains again. */
const sha256Base64Url = memoByText((text) => toBase64Url(sha256(text)));

/**
 * libcalico-go/lib/hash/unique_id.go `GetLengthLimitedID`: prefix + suffix when it fits in
 * `maxLength`, else prefix + `_` + base64url(SHA-256(suffix)) cut to fit. An empty suffix becomes
 * `_`, and a suffix that fits exactly but starts with `_` is hashed too (it could clash).
 */
export function lengthLimitedId(prefix: string, suffix: string, maxLength: number): string {
  const s = suffix === '' ? '_' : suffix;
  const total = prefix.length + s.length;
  if (total > maxLength || (total === maxLength && s.startsWith('_'))) {
    return prefix + '_' + sha256Base64Url(s).slice(0, maxLength - 1 - prefix.length);
  }
  return prefix + s;
}

/**
 * The kind of a policy as Felix keys it (felix/types/policy_id.go). The short names are what the
 * policy ID, and so the chain name, is built from (`KindShortName`).
 */
export type FelixPolicyKind =
  | 'NetworkPolicy'
  | 'GlobalNetworkPolicy'
  | 'KubernetesNetworkPolicy'
  | 'StagedNetworkPolicy'
  | 'StagedGlobalNetworkPolicy'
  | 'StagedKubernetesNetworkPolicy';

const KIND_SHORT: Record<FelixPolicyKind, string> = {
  NetworkPolicy: 'np',
  GlobalNetworkPolicy: 'gnp',
  KubernetesNetworkPolicy: 'knp',
  StagedNetworkPolicy: 'snp',
  StagedGlobalNetworkPolicy: 'sgnp',
  StagedKubernetesNetworkPolicy: 'sknp',
};

export interface FelixPolicyId {
  readonly kind: FelixPolicyKind;
  /** '' for cluster-wide kinds. */
  readonly namespace: string;
  readonly name: string;
}

/** felix/types/policy_id.go `PolicyID.ID()`: `<kind>/<namespace>/<name>` or `<kind>/<name>`. */
export function policyIdString(id: FelixPolicyId): string {
  const kind = KIND_SHORT[id.kind];
  return id.namespace ? `${kind}/${id.namespace}/${id.name}` : `${kind}/${id.name}`;
}

/** felix/types/policy_id.go `PolicyID.String()`, which the policy group hash is built from. */
export function policyIdGoString(id: FelixPolicyId): string {
  return `{Name: ${id.name}, Namespace: ${id.namespace}, Kind: ${id.kind}}`;
}

export const isStagedKind = (kind: FelixPolicyKind): boolean => kind.startsWith('Staged');

/** felix/rules/policy.go `PolicyChainName`: `cali-pi-`/`cali-po-` + the ID, length-limited. */
export function policyChainName(direction: 'ingress' | 'egress', id: FelixPolicyId): string {
  const prefix = direction === 'ingress' ? CHAIN.policyInbound : CHAIN.policyOutbound;
  return lengthLimitedId(prefix, policyIdString(id), MAX_CHAIN_NAME_LENGTH);
}

/** felix/rules/policy.go `ProfileChainName`: `cali-pri-`/`cali-pro-` + the profile name. */
export function profileChainName(direction: 'ingress' | 'egress', profile: string): string {
  const prefix = direction === 'ingress' ? CHAIN.profileInbound : CHAIN.profileOutbound;
  return lengthLimitedId(prefix, profile, MAX_CHAIN_NAME_LENGTH);
}

/** felix/rules/endpoints.go `EndpointChainName`: `cali-tw-`/`cali-fw-` + the interface name. */
export function endpointChainName(direction: 'ingress' | 'egress', iface: string): string {
  const prefix = direction === 'ingress' ? CHAIN.toWorkload : CHAIN.fromWorkload;
  return lengthLimitedId(prefix, iface, MAX_CHAIN_NAME_LENGTH);
}

/**
 * felix/rules/endpoints.go `PolicyGroup.UniqueID` and `ChainName`: consecutive policies of a tier
 * with the same selector share one `cali-gi-`/`cali-go-` chain, named after SHA3-224 of the
 * selector, the direction (`inbound`/`outbound`), the policy count and each policy ID's Go string,
 * each followed by a newline, base64url-encoded and cut to 28 - len("cali-gi-") = 20 characters.
 */
export function policyGroupChainName(
  direction: 'ingress' | 'egress',
  selector: string,
  policies: readonly FelixPolicyId[],
): string {
  const parts = [
    selector,
    direction === 'ingress' ? 'inbound' : 'outbound',
    String(policies.length),
    ...policies.map(policyIdGoString),
  ];
  const uid = sha3Base64Url(parts.map((p) => p + '\n').join('')).slice(
    0,
    MAX_CHAIN_NAME_LENGTH - CHAIN.groupInbound.length,
  );
  return (direction === 'ingress' ? CHAIN.groupInbound : CHAIN.groupOutbound) + uid;
}

const sha3Base64Url = memoByText((text) => toBase64Url(sha3_224(text)), 10_000);
