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

export type CiliumRouting = 'vxlan' | 'geneve' | 'native';
export type CiliumEncryption = 'none' | 'wireguard' | 'ipsec';

export interface CiliumConfig {
  readonly routing: CiliumRouting;
  readonly kubeProxyReplacement: boolean;
  readonly encryption: CiliumEncryption;
}

export type WalkConfig =
  | { readonly cni: 'calico'; readonly calico: CalicoConfig }
  | { readonly cni: 'cilium'; readonly cilium: CiliumConfig };

export const CALICO_DATAPLANES: readonly CalicoDataplaneMode[] = ['iptables', 'ebpf'];
export const CALICO_PEERINGS: readonly CalicoPeering[] = ['full-mesh', 'route-reflector', 'tor'];
export const CALICO_ENCAPS: readonly CalicoEncap[] = [
  'none',
  'ipip',
  'vxlan',
  'ipip-crosssubnet',
  'vxlan-crosssubnet',
];
export const CILIUM_ROUTINGS: readonly CiliumRouting[] = ['vxlan', 'geneve', 'native'];
export const CILIUM_ENCRYPTIONS: readonly CiliumEncryption[] = ['none', 'wireguard', 'ipsec'];

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
 * false, encryption off (install/kubernetes/cilium/values.yaml).
 */
export const DEFAULT_CILIUM_CONFIG: CiliumConfig = {
  routing: 'vxlan',
  kubeProxyReplacement: false,
  encryption: 'none',
};

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

export function describeWalkConfig(config: WalkConfig): string {
  if (config.cni === 'calico') {
    const c = config.calico;
    return `Calico ${c.dataplane} dataplane, ${
      calicoUsesBgp(c) ? `BGP ${c.peering}` : 'routes by Felix (no BGP)'
    }, encapsulation ${c.encap}${c.wireguard ? ', WireGuard' : ''}`;
  }
  const c = config.cilium;
  return `Cilium ${c.routing === 'native' ? 'native routing' : `${c.routing} tunnel`}, kube-proxy replacement ${
    c.kubeProxyReplacement ? 'on' : 'off'
  }, encryption ${c.encryption}`;
}
