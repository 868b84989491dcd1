import type { TopologyNode } from '../viz/topology';
import { TopologyArea } from './TopologyArea';

export type Cni = 'calico' | 'cilium';

// One line each on the road a packet takes, from ../shared/reference/datapath-facts.md.
const CNI = {
  calico: {
    title: 'Calico',
    path: 'pod veth → host routing table → iptables (Felix chains) or eBPF → BGP route or IPIP/VXLAN tunnel → wire',
  },
  cilium: {
    title: 'Cilium',
    path: 'pod veth → tc eBPF program → map lookups (ipcache, policy, conntrack) → redirect, VXLAN/Geneve or native routing → wire',
  },
} as const;

export function CniPanel({ cni, nodes }: { cni: Cni; nodes: readonly TopologyNode[] }) {
  const { title, path } = CNI[cni];
  const headingId = `panel-${cni}-title`;
  return (
    <section className={`cni-panel cni-${cni}`} aria-labelledby={headingId} data-cni={cni}>
      <h2 id={headingId}>{title}</h2>
      <p className="cni-path">{path}</p>
      <TopologyArea label={`${title} topology`} nodes={nodes} />
    </section>
  );
}
