/**
 * Encapsulations and encryptions: the outer header each adds, its byte overhead, and the pod MTU
 * left over. Sources: Calico felix/dataplane/linux/int_dataplane.go (IPIP 20, VXLAN 50, WireGuard
 * 60 bytes; the pod MTU is the host MTU minus the largest enabled overhead, written to
 * /var/lib/calico/mtu); Cilium pkg/mtu/mtu.go (TunnelOverhead 50, WireguardOverhead 80,
 * EncryptionIPsecOverhead 77, and the overheads add up when a tunnel and encryption are both on).
 */
import type { PacketHeader } from './hop';

export type EncapKind =
  | 'ipip'
  | 'calico-vxlan'
  | 'cilium-vxlan'
  | 'geneve'
  | 'calico-wireguard'
  | 'cilium-wireguard'
  | 'ipsec';

export interface EncapSpec {
  readonly kind: EncapKind;
  /** The header's name in the hop's header stack. */
  readonly proto: string;
  /** The device the packet is handed to for this layer. */
  readonly device: string;
  /** Bytes added in front of the inner IP packet. */
  readonly overhead: number;
  /** IP protocol number of the outer IP header. */
  readonly ipProtocol: number;
  /** UDP destination port, for UDP-based layers. */
  readonly port?: number;
  /** What the overhead is made of, for the inspector. */
  readonly anatomy: string;
}

export const ENCAPS: Readonly<Record<EncapKind, EncapSpec>> = {
  ipip: {
    kind: 'ipip',
    proto: 'IPIP',
    device: 'tunl0',
    overhead: 20,
    ipProtocol: 4,
    anatomy: 'one outer IPv4 header (20 bytes, IP protocol 4) in front of the pod packet',
  },
  'calico-vxlan': {
    kind: 'calico-vxlan',
    proto: 'VXLAN',
    device: 'vxlan.calico',
    overhead: 50,
    ipProtocol: 17,
    // Calico: VXLANPort 4789, VXLANVNI 4096 (felix/config/config_params.go).
    port: 4789,
    anatomy:
      'outer IPv4 (20) + UDP (8) + VXLAN header with VNI 4096 (8) + the inner Ethernet header (14) = 50 bytes',
  },
  'cilium-vxlan': {
    kind: 'cilium-vxlan',
    proto: 'VXLAN',
    device: 'cilium_vxlan',
    overhead: 50,
    ipProtocol: 17,
    // Cilium uses the Linux kernel's historical VXLAN port 8472, not IANA's 4789 (pkg/defaults).
    port: 8472,
    anatomy:
      'outer IPv4 (20) + UDP (8) + VXLAN header whose VNI carries the source security identity (8) + inner Ethernet (14) = 50 bytes',
  },
  geneve: {
    kind: 'geneve',
    proto: 'Geneve',
    device: 'cilium_geneve',
    overhead: 50,
    ipProtocol: 17,
    port: 6081,
    anatomy:
      'outer IPv4 (20) + UDP (8) + Geneve header whose VNI carries the source security identity (8) + inner Ethernet (14) = 50 bytes, the same budget as VXLAN',
  },
  'calico-wireguard': {
    kind: 'calico-wireguard',
    proto: 'WireGuard',
    device: 'wireguard.cali',
    overhead: 60,
    ipProtocol: 17,
    // Felix WireguardListeningPort default 51820 (felix/config/config_params.go).
    port: 51820,
    anatomy: 'outer IPv4 (20) + UDP (8) + WireGuard data header and tag (32) = 60 bytes',
  },
  'cilium-wireguard': {
    kind: 'cilium-wireguard',
    proto: 'WireGuard',
    device: 'cilium_wg0',
    overhead: 80,
    ipProtocol: 17,
    port: 51871,
    anatomy:
      'Cilium budgets 80 bytes: WireGuard message minimum (32) + an outer IP header sized for IPv6 (40) + UDP (8)',
  },
  ipsec: {
    kind: 'ipsec',
    proto: 'ESP',
    device: 'xfrm (kernel IPsec)',
    overhead: 77,
    ipProtocol: 50,
    anatomy:
      'outer IPv4 (20) + SPI (4) + sequence number (4) + next header (1) + ICV (16) + padding (16) + 128-bit auth (16) = 77 bytes',
  },
};

export const DEFAULT_HOST_MTU = 1500;

/** Calico: host MTU minus the largest enabled overhead (they never stack). */
export function calicoPodMtu(enabled: readonly EncapKind[], hostMtu = DEFAULT_HOST_MTU): number {
  return hostMtu - Math.max(0, ...enabled.map((k) => ENCAPS[k].overhead));
}

/** Cilium: host MTU minus the tunnel overhead plus the encryption overhead (they stack). */
export function ciliumPodMtu(enabled: readonly EncapKind[], hostMtu = DEFAULT_HOST_MTU): number {
  return hostMtu - enabled.reduce((sum, k) => sum + ENCAPS[k].overhead, 0);
}

export interface OuterEndpoints {
  readonly src: string;
  readonly dst: string;
  /** UDP source port (hash of the inner flow for VXLAN/Geneve; the listen port for WireGuard). */
  readonly sport?: number;
  /** VXLAN/Geneve network identifier. */
  readonly vni?: number;
  /** IPsec security parameter index. */
  readonly spi?: number;
}

/** The header one encapsulation layer puts in front of the packet. */
export function outerHeader(kind: EncapKind, ends: OuterEndpoints): PacketHeader {
  const spec = ENCAPS[kind];
  return {
    proto: spec.proto,
    src: ends.src,
    dst: ends.dst,
    ...(spec.port !== undefined ? { sport: ends.sport ?? spec.port, dport: spec.port } : {}),
    ipProtocol: spec.ipProtocol,
    bytes: spec.overhead,
    ...(ends.vni !== undefined ? { vni: ends.vni } : {}),
    ...(ends.spi !== undefined ? { spi: ends.spi } : {}),
  };
}
