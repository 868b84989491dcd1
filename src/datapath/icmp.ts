/**
 * What the walks say about ICMP: how each conntrack keys an ICMP flow, what happens to ICMP sent to
 * a Service's ClusterIP, and who answers ICMP addressed to a node.
 *
 * Sources:
 * - Linux conntrack: net/netfilter/nf_conntrack_proto_icmp.c (`icmp_pkt_to_tuple` keys ICMP by type,
 *   code and the echo identifier; `icmp_invert_tuple` expects echo-reply 0 for echo-request 8; only
 *   query types open a connection, other types are RELATED to one or INVALID).
 * - Calico eBPF: felix/bpf-gpl/parsing.h (ICMP: sport 0, type and code kept aside),
 *   felix/bpf-gpl/conntrack.h (`calico_ct_v4_lookup` and `conntrack_create` set dport 0: "There are
 *   no ports in ICMP"), read at calico master (v3.34.0-dev); felix/bpf-gpl/nat_lookup.h (the NAT
 *   frontend is keyed by address, port and protocol; a miss on a non-host route returns no NAT).
 * - Cilium: bpf/lib/conntrack.h (`ct_extract_ports4`: an echo-request puts the identifier in the
 *   key's dport, an echo-reply in its sport; ICMP errors are looked up as RELATED); non-TCP flows live
 *   in cilium_ct_any4_global (datapath-facts.md §2 Maps). The service map is keyed by address, port
 *   and protocol, so ICMP to a ClusterIP finds no Service; Cilium 1.18 has no responder for pings to
 *   a VIP (proposed in cilium/cilium#37623, closed, and #47130, open; reports #14341, #14118).
 * - kube-proxy: pkg/proxy/iptables/proxier.go writes each KUBE-SERVICES rule with `-p <protocol>` and
 *   `--dport`, and Service ports are TCP, UDP or SCTP only.
 */
import type { Service } from '../engine/model';
import { formatIcmp } from '../engine/probe';
import type { FiveTuple } from './flow';

export const LINUX_CT_ICMP =
  'Linux conntrack tracks an ICMP echo by its type, code and echo identifier (nf_conntrack_proto_icmp.c), so the echo reply (type 0) with the same identifier is the reply of this "connection".';

export const CALICO_BPF_CT_ICMP =
  'ICMP has no ports: Calico’s BPF conntrack keys the flow by the two addresses and protocol 1 with both port fields 0 (felix/bpf-gpl/conntrack.h), so the echo reply matches it in the reverse direction.';

export const CILIUM_CT_ICMP =
  'ICMP is not TCP, so the flow lives in cilium_ct_any4_global; bpf/lib/conntrack.h keys an echo by its identifier, which stands in the port field of the key (dport for the request, sport for the reply), and ICMP errors are looked up as RELATED to the flow they report on.';

/** An ICMP packet to a ClusterIP: why no Service rule or map entry matches it. */
export function icmpServiceNote(
  svc: Service,
  t: FiveTuple,
  how: 'kube-proxy' | 'calico-bpf' | 'cilium',
): string {
  const ports = svc.ports.map((p) => `${p.port}/${p.protocol}`).join(', ');
  const lb =
    how === 'kube-proxy'
      ? `kube-proxy writes one rule per Service port, each with -p and --dport (${ports}), and an ICMP packet has neither a TCP/UDP/SCTP protocol nor a port, so no KUBE-SERVICES rule matches it`
      : how === 'calico-bpf'
        ? `Calico's NAT frontend map (cali_v4_nat_fe3) is keyed by address, port and protocol, and holds only the Service's ports (${ports}), so the lookup for ${formatIcmp(t.icmp!)} misses and nothing is translated (felix/bpf-gpl/nat_lookup.h)`
        : `Cilium's service map (cilium_lb4_services_v2) is keyed by address, port and protocol and holds only the Service's ports (${ports}), so the lookup misses and nothing is translated`;
  return `${t.dst} is the ClusterIP of Service ${svc.namespace}/${svc.name}, but Services carry TCP, UDP and SCTP only: ${lb}. The packet keeps the virtual address, which no interface owns, and is routed like any outside address.`;
}

/** Why a ping to a ClusterIP goes unanswered (the walk ends there as a drop). */
export const icmpVipUnanswered = (svc: Service, cilium: boolean): string =>
  `No host owns ${svc.clusterIP}: it exists only as ${cilium ? 'a key of the service map' : "a match in kube-proxy's rules or the BPF NAT maps"}, for its ports. The packet follows the default route to the gateway, which has no route for the Service range either, so nothing answers and ping times out (a router may send back ICMP time exceeded instead).${cilium ? ' Cilium 1.18 has no echo responder for Service VIPs.' : ''}`;

/** Who takes a packet addressed to a node itself. */
export const localReceiver = (t: FiveTuple): string =>
  t.icmp
    ? `${formatIcmp(t.icmp)} to ${t.dst}: the kernel's ICMP handler`
    : `${t.protocol} ${t.dst}:${t.dport}`;
