/**
 * The versions PacketWalk models: every chain, map, field and behaviour the app, the CLI and the
 * dumps show is the one of these releases (datapath-facts.md, "Baseline the app teaches"). One pure
 * module so the app's "About this model" line, the CLI's `--help` and the dump headers
 * (`iptables-save`, `bpf-maps`) say the same thing. Where a name differs in another version, the
 * hop or the dump says so next to the name; `BASELINE_NAME_CHANGES` lists the well-known ones.
 */

/** The Calico release whose Felix rules and BPF maps are modelled (Calico writes the `v`). */
export const CALICO_BASELINE = 'v3.32';
/** The Cilium release whose datapath and maps are modelled. */
export const CILIUM_BASELINE = '1.18';
/** The Kubernetes release whose API (NetworkPolicy, Node, Service) is modelled. */
export const KUBERNETES_BASELINE = '1.33';

export const BASELINE = {
  calico: CALICO_BASELINE,
  cilium: CILIUM_BASELINE,
  kubernetes: KUBERNETES_BASELINE,
} as const;

/** `Calico v3.32`, for a dump header or a hop. */
export const CALICO_BASELINE_NAME = `Calico ${CALICO_BASELINE}`;
/** `Cilium 1.18`. */
export const CILIUM_BASELINE_NAME = `Cilium ${CILIUM_BASELINE}`;
/** `Kubernetes 1.33`. */
export const KUBERNETES_BASELINE_NAME = `Kubernetes ${KUBERNETES_BASELINE}`;

/** The one line: `Models Calico v3.32, Cilium 1.18, Kubernetes 1.33`. */
export const BASELINE_LINE = `Models ${CALICO_BASELINE_NAME}, ${CILIUM_BASELINE_NAME}, ${KUBERNETES_BASELINE_NAME}`;

/**
 * Names that differ in other versions, each as a short clause (datapath-facts.md: Calico eBPF maps
 * felix/bpf/conntrack map.go `cali_v4_ct3` ≤ v3.30, `cali_v4_ct4` v3.31+; Cilium policy maps
 * `cilium_policy_v2_` 1.17–1.19, `cilium_policy_v3_` from 1.20, PR #47080; Calico rule comments
 * and `knp/` policy IDs from v3.32, felix/rules/policy.go; IPsec after overlay encapsulation from
 * Cilium 1.18, PR #37723).
 */
export const BASELINE_NAME_CHANGES: readonly string[] = [
  'Calico’s iptables rule comments and knp/ policy IDs are v3.32’s (v3.30–v3.31 print “Policy <id>”)',
  'Calico’s eBPF conntrack map is cali_v4_ct4 from v3.31 (cali_v4_ct3 before)',
  'Cilium’s policy maps are cilium_policy_v2_<ID> in 1.17–1.19 (cilium_policy_v3_ from 1.20)',
  'Cilium IPsec wraps the VXLAN packet since 1.18 (ESP was inside the tunnel before)',
];

/** One sentence under the baseline line: names are this version's, others may differ. */
export const BASELINE_NOTE =
  'Chain, map and field names are those of these releases; other versions name some of them differently, and the hop says so where it matters.';
