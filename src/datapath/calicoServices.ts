/**
 * Services under Calico: kube-proxy's nat chains (iptables dataplane), and in the eBPF dataplane
 * connect-time load balancing (TCP, the default) or per-packet NAT in calico_tc_main (UDP).
 *
 * Sources: kubernetes pkg/proxy/iptables/proxier.go (KUBE-SERVICES, KUBE-SVC-, KUBE-SEP-, the "has
 * no endpoints" REJECT); felix/bpf-gpl/connect_balancer.c and connect.h (calico_connect_v4,
 * cali_v4_ct_nats); felix/config/config_params.go (BPFConnectTimeLoadBalancing).
 */
import { podKey } from '../engine/cluster';
import type { FiveTuple } from './flow';
import type { HopRow } from './hop';
import { l4Header, tupleDest, type HopInput } from './hops';
import { icmpServiceNote, LINUX_CT_ICMP } from './icmp';
import { formatIcmp } from '../engine/probe';
import {
  allServicePorts,
  kubeProxyTrace,
  kubeSvcChain,
  balance,
  servicePortName,
  type ServiceBackend,
} from './services';
import { place, type HopPlace } from './place';
import { type Ctx, veth, atTc, atNetfilter } from './calicoCtx';

/** kube-proxy in iptables mode: the nat table's Service lookup. Returns the tuple after DNAT, or null on a drop. */
export function kubeProxy(ctx: Ctx, t: FiveTuple): FiveTuple | null {
  const { p, log } = ctx;
  const node = p.clientNode;
  const cVeth = veth(ctx, p.client);
  const servicePorts = allServicePorts(ctx.cluster).length;
  if (!p.service) {
    kubeServicesHop(ctx, t, {
      match: `no rule matches ${tupleDest(t)}${t.icmp ? ` (${formatIcmp(t.icmp)})` : ''} (${servicePorts} service rule${servicePorts === 1 ? '' : 's'}, then KUBE-NODEPORTS, which only takes local addresses)`,
      rows: kubeServicesRows(ctx, t, -1),
      cost: { rules: servicePorts + 1 },
      explanation: `The packet enters the host on ${cVeth} and conntrack records a new connection.${t.icmp ? ` ${LINUX_CT_ICMP}` : ''} kube-proxy (iptables mode, running beside Calico's iptables dataplane) jumps every new packet from nat PREROUTING into KUBE-SERVICES, a linear list with one rule per Service port; ${p.icmpToService ? icmpServiceNote(p.icmpToService, t, 'kube-proxy') : `${t.dst} is no Service address, so every rule is tested and none matches.`}`,
    });
    return t;
  }
  const hit = p.service;
  const svc = hit.service;
  const proto = hit.port.protocol.toLowerCase();
  if (hit.chosen < 0) {
    const name = `${svc.namespace}/${svc.name}${hit.port.name ? `:${hit.port.name}` : ''}`;
    log.add({
      stage: 'egress-hook',
      node: node.name,
      place: atNetfilter(ctx, node),
      where: `${cVeth} (host side of the veth): netfilter FORWARD → KUBE-SERVICES (filter)`,
      table: 'filter KUBE-SERVICES',
      match: `-A KUBE-SERVICES -d ${svc.clusterIP}/32 -p ${proto} -m comment --comment "${name} has no endpoints" -m ${proto} --dport ${hit.port.port} -j REJECT --reject-with icmp-port-unreachable`,
      headers: [l4Header(t)],
      cost: { rules: 1 },
      explanation: `${svc.namespace}/${svc.name} selects no pod with the target port, so kube-proxy writes no nat chains for it, only a REJECT in the filter table: the client gets an ICMP port unreachable.`,
    });
    log.drop(
      {
        node: node.name,
        place: atNetfilter(ctx, node),
        where: 'filter KUBE-SERVICES',
        table: 'filter KUBE-SERVICES',
        match: 'REJECT --reject-with icmp-port-unreachable',
        headers: [l4Header(t)],
        explanation: 'Rejected: the Service has no endpoints.',
      },
      `"${name} has no endpoints" (kube-proxy REJECT, ICMP port unreachable)`,
    );
    return null;
  }
  const backend = hit.backends[hit.chosen]!;
  const kp = kubeProxyTrace(ctx.cluster, svc, hit.port, hit.backends, hit.chosen);
  kubeServicesHop(ctx, t, {
    match: kp.servicesRule,
    rows: kubeServicesRows(ctx, t, kp.servicesRulesTested - 1, kp.servicesRule),
    cost: { rules: kp.servicesRulesTested },
    explanation: `The packet enters the host on ${cVeth}; conntrack sees a new connection, and kube-proxy's nat PREROUTING rule sends it to KUBE-SERVICES, which tests one rule per Service port in order until rule ${kp.servicesRulesTested} matches the ClusterIP ${svc.clusterIP}:${hit.port.port}. The chain name's suffix is the first 16 characters of base32(SHA-256("${svc.namespace}/${svc.name}${hit.port.name ? `:${hit.port.name}` : ''}${proto}")).`,
  });
  log.add({
    stage: 'service-lb',
    node: node.name,
    place: atNetfilter(ctx, node),
    where: `nat ${kp.svc.chain}`,
    table: kp.svc.chain,
    match: kp.svc.rules[kp.svc.rules.length - 1]!,
    rows: kubeProxyTrace(
      ctx.cluster,
      svc,
      hit.port,
      hit.backends,
      hit.backends.length - 1,
    ).svc.rules.map((text, i): HopRow =>
      i < hit.chosen
        ? { text, state: 'tested', outcome: 'no match: the random draw did not pick this endpoint' }
        : i === hit.chosen
          ? {
              text,
              state: 'matched',
              outcome: `decided: endpoint ${i + 1} of ${hit.backends.length}`,
            }
          : { text, state: 'not-reached' },
    ),
    headers: [l4Header(t)],
    cost: { rules: kp.svc.rules.length },
    explanation: `The Service has ${hit.backends.length} endpoint${hit.backends.length === 1 ? '' : 's'}. Rule i of n matches with probability 1/(n−i) (the last unconditionally), which makes every backend equally likely; this flow takes endpoint ${hit.chosen + 1}, ${podKey(backend.pod)} (PacketWalk draws the "random" choice from a hash of the flow, so the same flow always lands on the same backend).`,
  });
  const after: FiveTuple = { ...t, dst: backend.ip, dport: backend.port };
  log.add({
    stage: 'service-lb',
    node: node.name,
    place: atNetfilter(ctx, node),
    where: `nat ${kp.sep.chain}`,
    table: kp.sep.chain,
    match: kp.sep.rules[1]!,
    rows: [
      {
        text: kp.sep.rules[0]!,
        state: 'tested',
        outcome:
          t.src === backend.ip
            ? 'match: hairpin, marked for masquerading (0x4000); evaluation goes on'
            : 'no match: the source is not the backend itself',
      },
      { text: kp.sep.rules[1]!, state: 'matched', outcome: 'decided: DNAT' },
    ],
    headers: [l4Header(after)],
    cost: { rules: 2 },
    explanation: `The endpoint chain first marks the packet for masquerading only if the pod is talking to itself through the Service (hairpin, -s ${backend.ip}), then DNATs it: the destination becomes ${backend.ip}:${backend.port}. Conntrack stores the translation, so later packets of the connection skip these chains and replies are translated back. Everything after this, Calico's policy included, sees the pod address, not the Service.`,
  });
  return after;
}

/** A new packet from the client's veth in nat PREROUTING, which jumps to kube-proxy's KUBE-SERVICES. */
function kubeServicesHop(
  ctx: Ctx,
  t: FiveTuple,
  hop: Pick<HopInput, 'match' | 'rows' | 'cost' | 'explanation'>,
): void {
  const node = ctx.p.clientNode;
  ctx.log.add({
    stage: 'egress-hook',
    node: node.name,
    place: atNetfilter(ctx, node),
    where: `${veth(ctx, ctx.p.client)} (host side of the veth): netfilter PREROUTING`,
    table: 'nat PREROUTING → KUBE-SERVICES',
    headers: [l4Header(t)],
    ...hop,
  });
}

/**
 * KUBE-SERVICES as kube-proxy writes it: one rule per Service port (PacketWalk keeps manifest
 * order), then the jump to KUBE-NODEPORTS, whose comment is kube-proxy's own (kubernetes
 * pkg/proxy/iptables/proxier.go). `matched` is the index of the rule that matched, or -1.
 */
/** The last rule of KUBE-SERVICES: local destinations go on to KUBE-NODEPORTS (proxier.go). */
export const KUBE_NODEPORTS_RULE =
  '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS';

function kubeServicesRows(ctx: Ctx, t: FiveTuple, matched: number, matchedText?: string): HopRow[] {
  const rows = allServicePorts(ctx.cluster).map(({ svc, port }, i): HopRow => {
    const proto = port.protocol.toLowerCase();
    const text =
      i === matched && matchedText
        ? matchedText
        : `-A KUBE-SERVICES -d ${svc.clusterIP}/32 -p ${proto} -m comment --comment "${servicePortName(svc, port)} cluster IP" -m ${proto} --dport ${port.port} -j ${kubeSvcChain(svc, port)}`;
    if (matched < 0 || i < matched)
      return {
        text,
        state: 'tested',
        outcome:
          t.icmp && svc.clusterIP === t.dst
            ? `no match: -p ${proto} --dport ${port.port}, and the packet is ICMP, without ports`
            : `no match: not ${svc.clusterIP}:${port.port}`,
      };
    return i === matched
      ? { text, state: 'matched', outcome: 'decided: the packet is for this Service port' }
      : { text, state: 'not-reached' };
  });
  const local = t.dst === ctx.p.clientNode.internalIP;
  rows.push({
    text: KUBE_NODEPORTS_RULE,
    ...(matched >= 0
      ? { state: 'not-reached' as const }
      : {
          state: 'tested' as const,
          outcome: local
            ? 'match: a local address, so KUBE-NODEPORTS is tried'
            : `no match: ${t.dst} is not an address of this node`,
        }),
  });
  return rows;
}

/**
 * TCP to a Service in the eBPF dataplane: calico_connect_v4 on the cgroup/connect4 hook
 * (felix/bpf-gpl/connect_balancer.c) looks the Service up in the NAT maps and rewrites the
 * socket's destination, recording the translation in cali_v4_ct_nats (felix/bpf-gpl/connect.h);
 * with no backend it fails the connect() (NAT_NO_BACKEND: the hook returns an error).
 */
export function ebpfConnectTimeLb(ctx: Ctx, t: FiveTuple): FiveTuple | null {
  const { p, log } = ctx;
  const node = p.clientNode;
  const where = `connect() in ${podKey(p.client)}: cgroup/connect4 hook (calico_connect_v4)`;
  // The hook runs in the pod's own connect() call, before any packet exists.
  const at = place.pod(node.name, podKey(p.client), 'socket');
  const nat = natLookup(ctx, t, at, where, {
    explanation: `Before any packet exists, Calico's connect-time load balancer (a BPF program on the cgroup connect4 hook, on by default for TCP: BPFConnectTimeLoadBalancing=TCP) looks the Service up. Its frontend lists zero backends, so the hook fails the connect() call itself: the application gets an error at once and no packet leaves the pod.`,
    reason: 'connect() fails in the cgroup hook',
  });
  if (!nat) return null;
  const { backend, after } = nat;
  log.add({
    stage: 'service-lb',
    node: node.name,
    place: at,
    where,
    table: 'cali_v4_nat_fe3 → cali_v4_nat_be',
    match: `connect(${t.dst}:${t.dport}) → connect(${backend.ip}:${backend.port})`,
    rows: [
      ...nat.rows('decided: the backend; the socket is connected to it'),
      {
        text: `cali_v4_ct_nats {socket cookie, ${backend.ip}:${backend.port} ${t.protocol}} <- ${t.dst}:${t.dport}`,
        state: 'tested',
        outcome: 'written: the Service address, for pre-DNAT policy',
      },
    ],
    headers: [l4Header(after)],
    cost: { lookups: 2 },
    explanation: `Calico's eBPF dataplane balances TCP at connect() time (BPFConnectTimeLoadBalancing defaults to TCP): a BPF program on the cgroup connect4 hook sees ${podKey(p.client)} call connect(${t.dst}:${t.dport}), looks the Service up in the frontend map (its ID and backend count) and the backend map (${podKey(backend.pod)}), and connects the socket to ${backend.ip}:${backend.port} instead. No packet is ever addressed to the Service IP: the first SYN leaves the pod already addressed to the backend, so no per-packet NAT, and no reverse NAT on the replies, is needed. Per-packet NAT in calico_tc_main is what UDP gets (and TCP with BPFConnectTimeLoadBalancing=Disabled).`,
  });
  return after;
}

export function ebpfServiceNat(ctx: Ctx, t: FiveTuple): FiveTuple | null {
  const { p, log } = ctx;
  const hit = p.service!;
  const node = p.clientNode;
  const nat = natLookup(ctx, t, atTc(node), `${veth(ctx, p.client)} tc ingress: calico_tc_main`, {
    explanation: `The Service has no endpoints: its NAT frontend lists zero backends, so the packet has nowhere to go.`,
  });
  if (!nat) return null;
  const { id, backend, after } = nat;
  log.add({
    stage: 'service-lb',
    node: node.name,
    place: atTc(node),
    where: `${veth(ctx, p.client)} tc ingress: calico_tc_main (NAT)`,
    table: 'cali_v4_nat_fe3 → cali_v4_nat_be',
    match: `{${t.dst}:${t.dport} ${t.protocol}} → {id ${id}, count ${hit.backends.length}}; {id ${id}, ordinal ${hit.chosen}} → ${backend.ip}:${backend.port}`,
    rows: nat.rows('decided: the backend'),
    headers: [l4Header(after)],
    cost: { lookups: 2 },
    explanation: `Calico's eBPF dataplane replaces kube-proxy: the frontend map gives the Service's ID and backend count, the backend map the chosen backend (${podKey(backend.pod)}), and the program rewrites the destination of this ${t.protocol} packet in place; a conntrack entry (cali_v4_ct4; cali_v4_ct3 before v3.31) remembers the translation for the rest of the flow and for the replies. This per-packet NAT is the path for UDP: connect-time load balancing is on by default for TCP only (BPFConnectTimeLoadBalancing=TCP), and TCP takes this path only when it is Disabled.`,
  });
  return after;
}

/**
 * The Service in Calico's eBPF NAT maps: the frontend (cali_v4_nat_fe3: the Service's ID and
 * backend count) and the backend map (cali_v4_nat_be: the chosen ordinal's address). With no
 * backend, logs the drop at `at` (the reason says what fails, after "has no endpoints") and returns
 * null.
 */
function natLookup(
  ctx: Ctx,
  t: FiveTuple,
  at: HopPlace,
  where: string,
  empty: { readonly explanation: string; readonly reason?: string },
): {
  id: number;
  backend: ServiceBackend;
  after: FiveTuple;
  rows: (decided: string) => HopRow[];
} | null {
  const hit = ctx.p.service!;
  const node = ctx.p.clientNode;
  const { id, to } = balance(ctx.cluster, hit, t);
  const frontend = `{${t.dst}:${t.dport} ${t.protocol}}`;
  if (!to) {
    ctx.log.drop(
      {
        node: node.name,
        place: at,
        where,
        table: 'cali_v4_nat_fe3',
        match: `${frontend} → {id ${id}, count 0}`,
        headers: [l4Header(t)],
        cost: { lookups: 1 },
        explanation: empty.explanation,
      },
      `Service ${hit.service.namespace}/${hit.service.name} has no endpoints${empty.reason ? `: ${empty.reason}` : ''}`,
    );
    return null;
  }
  return {
    id,
    ...to,
    rows: (decided) => [
      {
        text: `cali_v4_nat_fe3 ${frontend} -> {id ${id}, count ${hit.backends.length}}`,
        state: 'tested',
        outcome: 'the Service: its ID and backend count',
      },
      {
        text: `cali_v4_nat_be {id ${id}, ordinal ${hit.chosen}} -> ${to.backend.ip}:${to.backend.port}`,
        state: 'matched',
        outcome: decided,
      },
    ],
  };
}
