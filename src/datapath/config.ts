/**
 * The CNI configurations a walk runs under: plain serialisable objects, so they round-trip through
 * the URL and the command line.
 */

export type CalicoDataplaneMode = 'iptables' | 'ebpf';
export type CalicoPeering = 'full-mesh' | 'route-reflector' | 'tor';
export type CalicoEncap = 'none' | 'ipip' | 'vxlan' | 'ipip-crosssubnet' | 'vxlan-crosssubnet';

export interface CalicoConfig {
  readonly dataplane: CalicoDataplaneMode;
  readonly peering: CalicoPeering;
  readonly encap: CalicoEncap;
  readonly wireguard: boolean;
}

/**
 * `eni`: cloud native routing as in AWS ENI mode (`ipam: eni`, `routing-mode: native`,
 * `enable-endpoint-routes: true`, no tunnel, no BGP): pods hold VPC secondary addresses of the
 * node's ENIs and the VPC routes them (Documentation/network/concepts/routing.rst "AWS ENI").
 */
export type CiliumRouting = 'vxlan' | 'geneve' | 'native' | 'eni';
export type CiliumEncryption = 'none' | 'wireguard' | 'ipsec';

export interface CiliumConfig {
  readonly routing: CiliumRouting;
  readonly kubeProxyReplacement: boolean;
  /** `bpf.masquerade` (Helm default false): masquerade in cil_to_netdev instead of iptables. */
  readonly bpfMasquerade: boolean;
  readonly encryption: CiliumEncryption;
}

/** eBPF host routing (bpf_redirect_peer / bpf_redirect_neigh) or the legacy path up the stack. */
export type CiliumHostRouting = 'BPF' | 'legacy';

/**
 * eBPF host routing needs kube-proxy replacement and BPF masquerade (and a kernel >= 5.10, which
 * Cilium 1.18 requires anyway); otherwise the agent logs "Falling back to legacy host routing"
 * (daemon/cmd/kube_proxy_replacement.go; datapath-facts.md §2 "Host routing"). In 1.18 IPsec
 * forces legacy host routing too (same function: "BPF host routing is incompatible with
 * enable-ipsec", checked first); cilium PR #41997 lifted that for 1.19.
 */
export const ciliumHostRouting = (c: CiliumConfig): CiliumHostRouting =>
  c.kubeProxyReplacement && c.bpfMasquerade && c.encryption !== 'ipsec' ? 'BPF' : 'legacy';

/** Why the host routing is what it is, one sentence. */
export function ciliumHostRoutingReason(c: CiliumConfig): string {
  if (ciliumHostRouting(c) === 'BPF')
    return 'eBPF host routing: kube-proxy replacement and BPF masquerade are both on (kernel ≥ 5.10).';
  if (c.encryption === 'ipsec')
    return 'Legacy host routing: in Cilium 1.18 eBPF host routing is incompatible with IPsec, which needs the kernel stack to encrypt and decrypt (the agent falls back to legacy host routing; 1.19 lifts this).';
  const missing = [
    c.kubeProxyReplacement ? '' : 'kube-proxy replacement',
    c.bpfMasquerade ? '' : 'BPF masquerade',
  ].filter(Boolean);
  return `Legacy host routing: eBPF host routing needs kube-proxy replacement and BPF masquerade, and ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} off.`;
}

export type WalkConfig =
  | { readonly cni: 'calico'; readonly calico: CalicoConfig }
  | { readonly cni: 'cilium'; readonly cilium: CiliumConfig };

/**
 * What the manifest install (manifests/calico.yaml) gives: the iptables dataplane, BIRD with the
 * node-to-node mesh (calico_backend "bird"), and a default pool with CALICO_IPV4POOL_IPIP "Always"
 * and CALICO_IPV4POOL_VXLAN "Never", so IPIP everywhere. (The operator quickstart's
 * custom-resources.yaml picks VXLANCrossSubnet instead.) WireGuard is off unless enabled in
 * FelixConfiguration (felix/config/config_params.go: WireguardEnabled default false).
 */
export const DEFAULT_CALICO_CONFIG: CalicoConfig = {
  dataplane: 'iptables',
  peering: 'full-mesh',
  encap: 'ipip',
  wireguard: false,
};

/**
 * Cilium's Helm defaults: routingMode tunnel with tunnelProtocol vxlan, kubeProxyReplacement
 * false, bpf.masquerade false, encryption off (install/kubernetes/cilium/values.yaml).
 */
export const DEFAULT_CILIUM_CONFIG: CiliumConfig = {
  routing: 'vxlan',
  kubeProxyReplacement: false,
  bpfMasquerade: false,
  encryption: 'none',
};

/** Native routing without a tunnel: `native`, or AWS ENI (also `routing-mode: native`). */
export const ciliumIsNative = (routing: CiliumRouting): boolean =>
  routing === 'native' || routing === 'eni';

export const isCalicoCrossSubnet = (encap: CalicoEncap): boolean => encap.endsWith('-crosssubnet');

/** The tunnel a Calico pool uses for traffic that must be encapsulated, or none. */
export const calicoTunnel = (encap: CalicoEncap): 'ipip' | 'vxlan' | null =>
  encap.startsWith('ipip') ? 'ipip' : encap.startsWith('vxlan') ? 'vxlan' : null;

/**
 * BIRD distributes the routes unless the pool is VXLAN: in VXLAN modes Felix programs every route
 * itself from the IPAM blocks it watches, and the manifest for VXLAN sets calico_backend "vxlan",
 * which runs no BIRD at all (felix/dataplane/linux/vxlan_mgr.go; bird_ipam.cfg's
 * reject_tunnel_routes: "Felix programs them").
 */
export const calicoUsesBgp = (config: CalicoConfig): boolean =>
  calicoTunnel(config.encap) !== 'vxlan';
