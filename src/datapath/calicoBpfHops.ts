/**
 * The eBPF dataplane's own hops: the per-endpoint policy programs behind the jump maps, the drop,
 * conntrack hits on replies, the FORWARD rules Felix keeps in BPF mode, and tunnelled arrival.
 *
 * Sources: felix/bpf-gpl/tc.c (calico_tc_main, one program specialised per hook);
 * felix/bpf/jump/map.go (cali_jump_ing2 / cali_jump_egr2); felix/bpf/polprog;
 * felix/dataplane/linux/int_dataplane.go (setUpIptablesBPF).
 */
import type { ClusterNode } from '../engine/model';
import { bpfPolicyRules, bpfPolicyRows, describeBpfOutcome, type FilterPart } from './calicoFilter';
import { ENCAPS } from './encap';
import type { FiveTuple } from './flow';
import type { HopRow } from './hop';
import { describeTuple, l4Header } from './hops';
import { place } from './place';
import { type Ctx, atTc, atNetfilter, CT_MAP_VERSION_NOTE } from './calicoCtx';

/**
 * The endpoint's policy program (felix/bpf/polprog): reached by a tail call through the jump map
 * of the hook (cali_jump_ing2 at the veth's tc ingress = the pod's egress, cali_jump_egr2 at tc
 * egress = its ingress; felix/bpf/jump/map.go), it returns allow or deny to calico_tc_main.
 */
export function bpfPolicyHop(
  ctx: Ctx,
  node: ClusterNode,
  t: FiveTuple,
  part: FilterPart,
  direction: 'egress' | 'ingress',
  iface: string,
): void {
  const jumpMap = direction === 'egress' ? 'cali_jump_ing2' : 'cali_jump_egr2';
  const hook = direction === 'egress' ? 'tc ingress' : 'tc egress';
  const rules = bpfPolicyRules(ctx.dp, part);
  ctx.log.add({
    stage: direction === 'egress' ? 'egress-policy' : 'ingress-policy',
    node: node.name,
    place: atTc(node),
    where: `${iface} ${hook}: calico_tc_main → tail call into ${iface}'s ${direction} policy program (${jumpMap})`,
    table: `BPF policy program of ${iface} (${direction}, in ${jumpMap})`,
    match: describeBpfOutcome(part.outcome),
    rows: bpfPolicyRows(ctx.dp, part, part.outcome?.decidedBy),
    headers: [l4Header(t)],
    cost: { rules, lookups: 1 },
    explanation: `Felix compiles the endpoint's ${direction} policy (tiers in order, each policy's rules, then the namespace and service-account profiles when no policy selects the pod) into BPF bytecode, stores the program in the ${jumpMap} jump map and calico_tc_main reaches it by a tail call. There are no iptables chains and no accept mark here: the program tests its rules in order (${rules} here), IP sets are BPF map lookups (cali_v4_ip_sets), and it returns allow or deny to calico_tc_main. What the eBPF dataplane saves is the netfilter plumbing around the rules, and every later packet of the flow, which conntrack lets through without running the program.`,
  });
}

export function dropBpf(
  ctx: Ctx,
  node: ClusterNode,
  t: FiveTuple,
  part: FilterPart,
  iface: string,
): void {
  const words = `denied by the policy program of ${iface} (${describeBpfOutcome(part.outcome)})`;
  ctx.log.drop(
    {
      node: node.name,
      place: atTc(node),
      where: `${iface}: calico_tc_main`,
      table: `policy program of ${iface}`,
      match: words,
      headers: [l4Header(t)],
      explanation: `The policy program returns deny and calico_tc_main drops the packet (TC_ACT_SHOT) before it goes anywhere.`,
    },
    words,
  );
}

export function ebpfReplyIn(ctx: Ctx, node: ClusterNode, t: FiveTuple, iface: string): void {
  ctx.log.add({
    stage: 'ingress-policy',
    node: node.name,
    place: atTc(node),
    where: `${iface} tc egress: calico_tc_main (to-workload program)`,
    table: 'cali_v4_ct4',
    match: 'hit: established, policy program skipped',
    headers: [l4Header(t)],
    cost: { lookups: 1 },
    explanation: `The to-workload program finds the connection in conntrack and lets the reply through without a policy lookup. ${CT_MAP_VERSION_NOTE}`,
  });
}

/**
 * Felix's filter FORWARD rules in BPF mode, IPv4, in the order `setUpIptablesBPF` writes them
 * (felix/dataplane/linux/int_dataplane.go, v3.32), with the marks of felix/bpf/tc/defs/defs.go:
 * MarkSeenBypass 0x3000000, MarkSeen 0x1000000, MarkLinuxConntrackEstablished 0x8000000.
 * Only packets calico_tc_main did not redirect get here; a packet from a workload carries the
 * "seen" mark the program set. A natOutgoing packet carries MarkSeenNATOutgoing 0x3800000
 * (update_fib_mark in felix/bpf-gpl/tc.c), which includes the bypass bits, so the first rule
 * ("Pre-approved by BPF programs.") accepts it.
 */
export function bpfForwardHop(
  ctx: Ctx,
  node: ClusterNode,
  t: FiveTuple,
  inIface: string,
  outIface: string,
  natOutgoing = false,
): void {
  const fromWl = inIface.startsWith('cali');
  const toWl = outIface.startsWith('cali');
  const rules: { text: string; hit: boolean; why: string }[] = [
    {
      text: '-A FORWARD -m comment --comment "Pre-approved by BPF programs." -m mark --mark 0x3000000/0x3000000 -j ACCEPT',
      hit: natOutgoing,
      why: natOutgoing
        ? 'match: calico_tc_main marked the packet 0x3800000 (MarkSeenNATOutgoing = bypass 0x3000000 + NAT outgoing 0x800000), so iptables accepts it here and leaves the SNAT to nat POSTROUTING'
        : 'no match: the bypass bits are not set on this packet',
    },
    {
      text: '-A FORWARD -i cali+ -m comment --comment "From workload without BPF seen mark" -m mark ! --mark 0x1000000/0x1000000 -j DROP',
      hit: false,
      why: fromWl
        ? 'no match: calico_tc_main set the seen mark on the way out of the pod'
        : `no match: not from a workload interface`,
    },
    {
      text: '-A FORWARD -m comment --comment "Mark pre-established flows." -m conntrack --ctstate RELATED,ESTABLISHED -j MARK --set-xmark 0x8000000/0x8000000',
      hit: false,
      why: 'no match: a new connection for Linux conntrack',
    },
    {
      text: '-A FORWARD -o cali+ -m comment --comment "To workload, check workload is known." -j cali-to-wl-dispatch',
      hit: toWl,
      why: toWl
        ? 'match: on to the dispatch chain, which accepts only interfaces whose BPF programs are in place'
        : `no match: ${outIface} is not a workload interface`,
    },
    {
      text: '-A FORWARD -i cali+ -m comment --comment "To workload, mark has already been verified." -j ACCEPT',
      hit: fromWl && !toWl,
      why: fromWl
        ? 'match: from a workload, already judged by its policy program'
        : 'no match: not from a workload interface',
    },
    {
      text: '-A FORWARD -i bpfout.cali -m comment --comment "From bpfout.cali device, mark verified, accept." -j ACCEPT',
      hit: inIface === 'bpfout.cali',
      why:
        inIface === 'bpfout.cali'
          ? 'match: from Felix’s bpfout.cali device'
          : `no match: ${inIface} is not bpfout.cali`,
    },
  ];
  const decided = rules.findIndex((r) => r.hit);
  ctx.log.add({
    stage: 'egress-hook',
    node: node.name,
    place: atNetfilter(ctx, node),
    where: `netfilter FORWARD (${node.name}): Felix's BPF-mode rules`,
    table: 'filter FORWARD',
    match: decided >= 0 ? rules[decided]!.text : 'FORWARD: end of chain',
    rows: rules.map((r, i): HopRow => ({
      text: r.text,
      state: i === decided ? 'matched' : decided >= 0 && i > decided ? 'not-reached' : 'tested',
      outcome: i === decided ? `${r.why}, decided` : r.why,
      chain: 'FORWARD',
    })),
    headers: [l4Header(t)],
    cost: { rules: decided >= 0 ? decided + 1 : rules.length },
    explanation: `This packet was not redirected by calico_tc_main (${fromWl ? 'natOutgoing traffic is left to iptables for the masquerade' : 'a new flow the program could not hand straight to the device'}), so it goes through the kernel's FORWARD hook. In BPF mode that chain holds none of the iptables mode's cali-FORWARD, cali-fw-/cali-tw- or policy chains, only a few rules Felix inserts for packets the programs have already judged: ${decided >= 0 ? `rule ${decided + 1} accepts it` : 'none decides, and the chain’s policy applies'}.${natOutgoing ? ' The NAT-outgoing mark carries the "bypass" bits, so the first rule already accepts it.' : ''} Policy was enforced by the BPF program, not here.`,
  });
}

/**
 * eBPF dataplane, a tunnelled packet arriving: Felix installs no cali-INPUT chain in BPF mode
 * (int_dataplane.go `setUpIptablesBPF`, instead of `setUpIptablesNormal`), so no "Allow IPIP
 * packets from Calico hosts" / "Allow IPv4 VXLAN packets from allowed hosts" rules. On eth0,
 * calico_tc_main lets IPIP through without policy and without a FIB lookup, and lets "VXLAN
 * packet from known Calico host" through (felix/bpf-gpl/tc.c); the kernel's tunnel device
 * decapsulates, and calico_tc_main on that device sees the inner packet.
 */
export function ebpfTunnelArrival(
  ctx: Ctx,
  node: ClusterNode,
  t: FiveTuple,
  kind: 'ipip' | 'calico-vxlan',
): void {
  const dev = ENCAPS[kind].device;
  const reply = ctx.p.reply;
  const ct = reply
    ? `hit: established ${describeTuple(t)}`
    : `no entry for ${describeTuple(t)}, a new flow`;
  const outer =
    kind === 'ipip'
      ? 'IP protocol 4 (IPIP) to this node: allowed without policy, no FIB lookup'
      : 'UDP 4789 from a known Calico host: "VXLAN packet from known Calico host, allow."';
  ctx.log.add({
    stage: 'ingress-hook',
    node: node.name,
    place: place.layer(node.name, 'tunnel', 'tc'),
    where: `eth0 tc ingress: calico_tc_main (host endpoint program), then ${dev} (kernel decapsulation), then ${dev} tc ingress: calico_tc_main`,
    table: 'cali_v4_ct4',
    match: `eth0: ${outer}; ${dev}: ${ct}`,
    rows: [
      {
        text: `eth0 calico_tc_main: ${outer}`,
        state: 'tested',
        outcome: 'passed up to the kernel',
      },
      {
        text: `${dev}: ${kind === 'ipip' ? 'the ipip module strips the 20-byte outer header' : 'vxlan.calico checks VNI 4096 and strips the 50 bytes'}`,
        state: 'tested',
        outcome: 'the inner pod packet appears on the tunnel device',
      },
      {
        text: `${dev} calico_tc_main: cali_v4_ct4 lookup ${describeTuple(t)}`,
        state: 'matched',
        outcome: reply
          ? 'hit: an established flow, no policy program'
          : 'no entry: a new flow, policy decides at the pod',
      },
    ],
    headers: [l4Header(t)],
    cost: { lookups: 1 },
    explanation: `In the eBPF dataplane Felix installs no cali-INPUT chain, so none of the iptables mode's "Allow ${kind === 'ipip' ? 'IPIP packets from Calico hosts' : 'IPv4 VXLAN packets from allowed hosts'}" rules exist. calico_tc_main on eth0 recognises the ${kind === 'ipip' ? 'IPIP' : 'VXLAN'} packet and passes it up untouched; the outer packet, addressed to this node, is decapsulated by the kernel's ${dev} device (INPUT holds only Felix's BPF-mode rules, which match marked fall-through packets), and calico_tc_main, attached to ${dev} as well, takes the inner packet: ${reply ? 'its conntrack entry says the connection is established, so no policy program runs for it' : "no conntrack entry yet, so the destination's policy program will judge it"}. ${CT_MAP_VERSION_NOTE}`,
  });
}
