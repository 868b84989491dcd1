/**
 * Turns the parsed objects into a complete `Cluster`: implied namespaces, nodes and service
 * accounts, assigned addresses, cross-object checks, Calico's built-in tiers. Everything here is
 * deterministic (same manifests, same cluster) and every filled-in value comes with a warning.
 *
 * Assignment scheme (documented so lessons can rely on it):
 * - Pods without `spec.nodeName` go to the node whose podCIDR holds their IP, else round-robin over
 *   the nodes in manifest order. With no nodes at all, `node-1` is created for them.
 * - A node without `spec.podCIDR` gets the /24 holding the first of its pods' written IPs when that
 *   range is free, else the first free `10.244.N.0/24` starting at N = its index in the node list.
 *   "Free" means overlapping no other podCIDR and holding no address written for another node or pod.
 * - A node without an InternalIP gets `192.168.0.(10+index)`, or the next free address after it,
 *   outside every podCIDR.
 * - A pod without an IP gets the lowest free address of its node's podCIDR, skipping the network
 *   and broadcast addresses.
 * - A Service without a clusterIP gets the lowest free address from 10.96.0.10 upwards
 *   (10.96.0.0/12 is kubeadm's default Service range).
 */
import {
  cidrContains,
  cidrContainsIP,
  cidrOverlaps,
  cidrSize,
  formatIPv4,
  nthAddress,
  parseCidr,
  parseIPv4,
  type Cidr,
} from '../cidr';
import type {
  CalicoTier,
  Cluster,
  ClusterNode,
  Diagnostic,
  Namespace,
  ObjectRef,
  Pod,
  Service,
  ServiceAccount,
  SourcePos,
} from '../model';
import { formatRef } from '../model';
import { BUILT_IN_TIERS } from './calicoPolicy';
import type { Collected, ParsedNode, ParsedPod } from './common';
import { plainPos } from './fieldPos';

/** Where built-in objects "come from" in messages. */
export const BUILT_IN_POS: SourcePos = { file: '(built-in)', line: 1, column: 1 };

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
/** Every cluster has these (kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
 * "Initial namespaces"): implied without a warning. */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export function assemble(c: Collected, sink: Diagnostic[]): Cluster {
  const say: Say = (severity, pos, object, field, message) =>
    sink.push({ severity, message, pos, object, ...(field ? { field } : {}) });

  // ---- Namespaces ------------------------------------------------------------------------------
  // The API server labels every namespace with its name (kubernetes.io/docs/concepts/overview/
  // working-with-objects/namespaces/#automatic-labelling), overriding whatever was written.
  const namespaces: Namespace[] = [];
  const nsByName = new Map<string, Namespace>();
  for (const n of c.namespaces) {
    const written = n.labels[NAMESPACE_NAME_LABEL];
    if (written !== undefined && written !== n.name) {
      say(
        'warning',
        n.ref.pos,
        formatRef(n.ref),
        `metadata.labels`,
        `the API server sets ${NAMESPACE_NAME_LABEL} to "${n.name}", replacing "${written}"`,
      );
    }
    const ns: Namespace = {
      ref: n.ref,
      name: n.name,
      labels: { ...n.labels, [NAMESPACE_NAME_LABEL]: n.name },
      implied: false,
    };
    namespaces.push(ns);
    nsByName.set(n.name, ns);
  }
  for (const use of c.namespaceUses) {
    if (nsByName.has(use.namespace)) continue;
    const pos = plainPos(use.pos);
    const ns: Namespace = {
      ref: { kind: 'Namespace', name: use.namespace, pos },
      name: use.namespace,
      labels: { [NAMESPACE_NAME_LABEL]: use.namespace },
      implied: true,
    };
    namespaces.push(ns);
    nsByName.set(use.namespace, ns);
    if (SYSTEM_NAMESPACES.includes(use.namespace)) continue;
    say(
      'warning',
      pos,
      use.object,
      'metadata.namespace',
      `Namespace "${use.namespace}" is not defined: PacketWalk created it (labels: ${NAMESPACE_NAME_LABEL}=${use.namespace})`,
    );
  }

  // ---- Nodes: which exist ----------------------------------------------------------------------
  interface NodeDraft {
    ref: ObjectRef;
    name: string;
    labels: Record<string, string>;
    internalIP?: string;
    ipPos: SourcePos;
    podCIDR?: Cidr;
    podCIDRPos: SourcePos;
    assigned: ('node' | 'internalIP' | 'podCIDR')[];
  }
  const fromParsed = (n: ParsedNode): NodeDraft => ({
    ref: n.ref,
    name: n.name,
    labels: { ...n.labels },
    ...(n.internalIP !== undefined ? { internalIP: n.internalIP } : {}),
    ipPos: n.ipPos,
    ...(n.podCIDR !== undefined ? { podCIDR: n.podCIDR } : {}),
    podCIDRPos: n.podCIDRPos,
    assigned: [],
  });
  const nodes: NodeDraft[] = c.nodes.map(fromParsed);
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const createNode = (name: string, pos: SourcePos): NodeDraft => {
    const node: NodeDraft = {
      // The model's refs cross to the main thread (clusterView.ts): plain positions.
      ref: { kind: 'Node', name, pos: plainPos(pos) },
      name,
      labels: { 'kubernetes.io/hostname': name },
      ipPos: pos,
      podCIDRPos: pos,
      assigned: ['node'],
    };
    nodes.push(node);
    nodeByName.set(name, node);
    return node;
  };
  for (const pod of c.pods) {
    if (pod.nodeName !== undefined && !nodeByName.has(pod.nodeName)) {
      createNode(pod.nodeName, pod.nodeNamePos);
      say(
        'warning',
        pod.nodeNamePos,
        formatRef(pod.ref),
        'spec.nodeName',
        `Node "${pod.nodeName}" is not defined: PacketWalk created it`,
      );
    }
  }
  takeHostIPs(c.pods, nodes, nodeByName, say);
  const unplaced = c.pods.filter((p) => p.nodeName === undefined);
  if (nodes.length === 0 && unplaced.length > 0) {
    const first = unplaced[0]!;
    createNode('node-1', first.ref.pos);
    say(
      'warning',
      first.ref.pos,
      'Node node-1',
      undefined,
      'there are no Node objects: PacketWalk created node-1 for the pods',
    );
  }

  // ---- Pods: placement -------------------------------------------------------------------------
  const podNode = new Map<number, NodeDraft>();
  let roundRobin = 0;
  c.pods.forEach((pod, i) => {
    if (pod.nodeName !== undefined) {
      podNode.set(i, nodeByName.get(pod.nodeName)!);
      return;
    }
    const byHost =
      pod.hostIP !== undefined ? nodes.find((n) => n.internalIP === pod.hostIP) : undefined;
    const byCidr =
      !byHost && pod.ip !== undefined
        ? nodes.find((n) => n.podCIDR && cidrContains(n.podCIDR, pod.ip!))
        : undefined;
    const node = byHost ?? byCidr ?? nodes[roundRobin++ % nodes.length]!;
    podNode.set(i, node);
    const why = byHost
      ? ` (its status.hostIP ${pod.hostIP} is the node's InternalIP)`
      : byCidr
        ? ' (its podCIDR holds the pod IP)'
        : '';
    say(
      'warning',
      pod.ref.pos,
      formatRef(pod.ref),
      'spec.nodeName',
      `no spec.nodeName: PacketWalk placed the pod on ${node.name}${why}`,
    );
  });

  // ---- Nodes: podCIDRs -------------------------------------------------------------------------
  const written = nodes.filter((n) => n.podCIDR !== undefined);
  for (let i = 0; i < written.length; i++) {
    for (let j = 0; j < i; j++) {
      if (cidrOverlaps(written[i]!.podCIDR!, written[j]!.podCIDR!)) {
        say(
          'warning',
          written[i]!.podCIDRPos,
          formatRef(written[i]!.ref),
          'spec.podCIDR',
          `podCIDR ${written[i]!.podCIDR!.text} overlaps ${written[j]!.name}'s ${written[j]!.podCIDR!.text}`,
        );
      }
    }
  }
  const podIPsOf = (node: NodeDraft): number[] =>
    c.pods.flatMap((p, i) =>
      podNode.get(i) === node && p.ip !== undefined ? [parseIPv4(p.ip)!] : [],
    );
  const usedCidrs = (): Cidr[] => nodes.flatMap((n) => (n.podCIDR ? [n.podCIDR] : []));
  const writtenIPs = [
    ...nodes.flatMap((n) => (n.internalIP ? [parseIPv4(n.internalIP)!] : [])),
    ...c.services.flatMap((s) =>
      s.clusterIP && s.clusterIP !== 'None' ? [parseIPv4(s.clusterIP)!] : [],
    ),
  ];
  nodes.forEach((node, index) => {
    if (node.podCIDR) return;
    const others = [...writtenIPs, ...nodes.filter((n) => n !== node).flatMap(podIPsOf)];
    const free = (cand: Cidr) =>
      !usedCidrs().some((u) => cidrOverlaps(u, cand)) &&
      !others.some((ip) => cidrContainsIP(cand, ip));
    const own = podIPsOf(node)[0];
    let chosen: Cidr | undefined;
    if (own !== undefined) {
      const cand = slash24(own);
      if (free(cand)) chosen = cand;
    }
    for (let k = 0; !chosen && k < 256; k++) {
      const cand = parseCidr(`10.244.${(index + k) % 256}.0/24`);
      if (cand.ok && free(cand.cidr)) chosen = cand.cidr;
    }
    if (!chosen) {
      say(
        'error',
        node.podCIDRPos,
        formatRef(node.ref),
        'spec.podCIDR',
        'no spec.podCIDR and no free 10.244.N.0/24 range to assign: write one',
      );
      return;
    }
    node.podCIDR = chosen;
    node.assigned.push('podCIDR');
    say(
      'warning',
      node.podCIDRPos,
      formatRef(node.ref),
      'spec.podCIDR',
      `no spec.podCIDR: PacketWalk assigned ${chosen.text}`,
    );
  });

  // ---- Addresses in use ------------------------------------------------------------------------
  /** Every address taken so far, with who took it, to report duplicates and skip them. */
  const taken = new Map<number, string>();
  const claim = (
    ip: string,
    who: string,
    pos: SourcePos,
    object: string,
    field: string,
  ): boolean => {
    const n = parseIPv4(ip)!;
    const owner = taken.get(n);
    if (owner !== undefined) {
      say('error', pos, object, field, `Duplicate value: ${ip} is already used by ${owner}`);
      return false;
    }
    taken.set(n, who);
    return true;
  };
  for (const node of nodes) {
    if (node.internalIP)
      claim(
        node.internalIP,
        formatRef(node.ref),
        node.ipPos,
        formatRef(node.ref),
        'status.addresses',
      );
  }
  c.pods.forEach((pod) => {
    if (pod.ip) claim(pod.ip, formatRef(pod.ref), pod.ipPos, formatRef(pod.ref), 'status.podIP');
  });
  for (const s of c.services) {
    if (s.clusterIP && s.clusterIP !== 'None')
      claim(s.clusterIP, formatRef(s.ref), s.clusterIPPos, formatRef(s.ref), 'spec.clusterIP');
  }

  // ---- Nodes: InternalIPs ----------------------------------------------------------------------
  nodes.forEach((node, index) => {
    if (node.internalIP) return;
    const base = parseIPv4('192.168.0.0')!;
    let chosen: number | undefined;
    for (let k = 10 + index; k < 65535 && chosen === undefined; k++) {
      const ip = (base + k) >>> 0;
      if ((k & 255) === 0 || (k & 255) === 255) continue;
      if (taken.has(ip) || nodes.some((n) => n.podCIDR && cidrContainsIP(n.podCIDR, ip))) continue;
      chosen = ip;
    }
    if (chosen === undefined) return;
    node.internalIP = formatIPv4(chosen);
    node.assigned.push('internalIP');
    taken.set(chosen, formatRef(node.ref));
    say(
      'warning',
      node.ipPos,
      formatRef(node.ref),
      'status.addresses',
      `no InternalIP address: PacketWalk assigned ${node.internalIP}`,
    );
  });

  const clusterNodes: ClusterNode[] = nodes.map((n) => ({
    ref: n.ref,
    name: n.name,
    labels: n.labels,
    internalIP: n.internalIP ?? '0.0.0.0',
    podCIDR: n.podCIDR ?? { base: 0, prefix: 32, text: '0.0.0.0/32' },
    assigned: n.assigned,
  }));
  const clusterNodeByName = new Map(clusterNodes.map((n) => [n.name, n]));

  // ---- Pods: IPs -------------------------------------------------------------------------------
  const pods: Pod[] = c.pods.map((pod, i) => {
    const node = podNode.get(i)!;
    const assigned: ('nodeName' | 'ip')[] = pod.nodeName === undefined ? ['nodeName'] : [];
    let ip = pod.ip;
    if (ip !== undefined && node.podCIDR && !cidrContains(node.podCIDR, ip)) {
      say(
        'warning',
        pod.ipPos,
        formatRef(pod.ref),
        'status.podIP',
        `pod IP ${ip} is outside ${node.name}'s podCIDR ${node.podCIDR.text}`,
      );
    }
    if (ip === undefined && node.podCIDR) {
      const cidr = node.podCIDR;
      const size = cidrSize(cidr);
      const last = cidr.prefix < 31 ? size - 1 : size;
      for (let k = cidr.prefix < 31 ? 1 : 0; k < last; k++) {
        const cand = parseIPv4(nthAddress(cidr, k))!;
        if (!taken.has(cand)) {
          ip = nthAddress(cidr, k);
          taken.set(cand, formatRef(pod.ref));
          break;
        }
      }
      if (ip === undefined) {
        say(
          'error',
          pod.ipPos,
          formatRef(pod.ref),
          'status.podIP',
          `no status.podIP and ${node.name}'s podCIDR ${cidr.text} has no free address`,
        );
      } else {
        assigned.push('ip');
        say(
          'warning',
          pod.ipPos,
          formatRef(pod.ref),
          'status.podIP',
          `no status.podIP: PacketWalk assigned ${ip} from ${node.name}'s podCIDR ${cidr.text}`,
        );
      }
    }
    return {
      ref: pod.ref,
      namespace: pod.namespace,
      name: pod.name,
      labels: pod.labels,
      nodeName: clusterNodeByName.get(node.name)!.name,
      ip: ip ?? '0.0.0.0',
      ports: pod.ports,
      serviceAccount: pod.serviceAccount,
      assigned,
    };
  });

  // ---- Services --------------------------------------------------------------------------------
  let serviceCursor = parseIPv4('10.96.0.10')!;
  const serviceRange = parseCidr('10.96.0.0/12');
  const services: Service[] = c.services.map((s) => {
    let clusterIP = s.clusterIP;
    const assigned: 'clusterIP'[] = [];
    if (clusterIP === undefined && serviceRange.ok) {
      while (taken.has(serviceCursor) && cidrContainsIP(serviceRange.cidr, serviceCursor))
        serviceCursor++;
      clusterIP = formatIPv4(serviceCursor);
      taken.set(serviceCursor, formatRef(s.ref));
      assigned.push('clusterIP');
      say(
        'warning',
        s.clusterIPPos,
        formatRef(s.ref),
        'spec.clusterIP',
        `no spec.clusterIP: PacketWalk assigned ${clusterIP}`,
      );
    }
    return {
      ref: s.ref,
      namespace: s.namespace,
      name: s.name,
      clusterIP: clusterIP ?? 'None',
      selector: s.selector,
      ports: s.ports,
      assigned,
    };
  });

  // ---- ServiceAccounts -------------------------------------------------------------------------
  // The ServiceAccount controller creates `default` in every namespace; any other account a pod
  // names must exist (the ServiceAccount admission plugin refuses the pod otherwise).
  const serviceAccounts: ServiceAccount[] = [...c.serviceAccounts];
  const saKey = (ns: string, name: string) => `${ns}/${name}`;
  const saKeys = new Set(serviceAccounts.map((a) => saKey(a.namespace, a.name)));
  for (const ns of namespaces) {
    if (saKeys.has(saKey(ns.name, 'default'))) continue;
    serviceAccounts.push({
      ref: { kind: 'ServiceAccount', namespace: ns.name, name: 'default', pos: ns.ref.pos },
      namespace: ns.name,
      name: 'default',
      labels: {},
      implied: true,
    });
    saKeys.add(saKey(ns.name, 'default'));
  }
  for (const pod of c.pods) {
    const key = saKey(pod.namespace, pod.serviceAccount);
    if (saKeys.has(key)) continue;
    serviceAccounts.push({
      ref: {
        kind: 'ServiceAccount',
        namespace: pod.namespace,
        name: pod.serviceAccount,
        pos: plainPos(pod.serviceAccountPos),
      },
      namespace: pod.namespace,
      name: pod.serviceAccount,
      labels: {},
      implied: true,
    });
    saKeys.add(key);
    say(
      'warning',
      pod.serviceAccountPos,
      formatRef(pod.ref),
      'spec.serviceAccountName',
      `ServiceAccount "${pod.serviceAccount}" is not defined: PacketWalk created it (without labels)`,
    );
  }

  // ---- Calico tiers ----------------------------------------------------------------------------
  const tiers: CalicoTier[] = [...c.calicoTiers];
  for (const b of BUILT_IN_TIERS) {
    if (tiers.some((t) => t.name === b.name)) continue;
    tiers.push({
      ref: { kind: 'Tier', name: b.name, pos: BUILT_IN_POS },
      name: b.name,
      order: b.order,
      defaultAction: b.defaultAction,
      builtIn: true,
    });
  }
  // Evaluation order: order ascending, unset last, ties by name (felix/calc/policy_sorter.go).
  tiers.sort((a, b) => {
    if (a.order !== b.order) {
      if (a.order === undefined) return 1;
      if (b.order === undefined) return -1;
      return a.order - b.order;
    }
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  const tierNames = new Set(tiers.map((t) => t.name));
  const calicoPolicies = c.calicoPolicies.flatMap(({ policy, tierPos, tierExplicit }) => {
    const object = formatRef(policy.ref);
    if (!tierNames.has(policy.tier)) {
      say(
        'error',
        tierPos,
        object,
        'spec.tier',
        `tier "${policy.tier}" does not exist: define a Tier named ${policy.tier} (known tiers: ${[...tierNames].join(', ')})`,
      );
      return [];
    }
    const dot = policy.name.indexOf('.');
    const prefix = dot > 0 ? policy.name.slice(0, dot) : undefined;
    if (policy.tier !== 'default' && prefix !== policy.tier) {
      say(
        'warning',
        policy.ref.pos,
        object,
        'metadata.name',
        `Calico releases before projectcalico/calico#11232 (2025) refuse this name: a policy in tier ${policy.tier} had to be named "${policy.tier}.${policy.name}"; current Calico accepts it`,
      );
    } else if (
      !tierExplicit &&
      prefix !== undefined &&
      prefix !== 'default' &&
      tierNames.has(prefix)
    ) {
      say(
        'warning',
        tierPos,
        object,
        'spec.tier',
        `the name starts with "${prefix}." but spec.tier is not set, so the policy is in tier default: Calico places a policy by spec.tier, not by its name`,
      );
    }
    return [policy];
  });

  return {
    namespaces,
    nodes: clusterNodes,
    pods,
    services,
    serviceAccounts,
    k8sPolicies: c.k8sPolicies,
    ciliumPolicies: c.ciliumPolicies,
    calicoPolicies,
    calicoTiers: tiers,
    calicoNetworkSets: c.calicoNetworkSets,
  };
}

type Say = (
  severity: Diagnostic['severity'],
  pos: SourcePos,
  object: string,
  field: string | undefined,
  message: string,
) => void;

/**
 * A pod's `status.hostIP` is the InternalIP of the node it runs on (the kubelet reports it, from
 * the Node's own addresses): a node without a written InternalIP takes it from its first pod that
 * reports one, and a pod that disagrees with its node's written address gets a warning.
 */
function takeHostIPs(
  pods: readonly ParsedPod[],
  nodes: readonly { name: string; ref: ObjectRef; internalIP?: string; ipPos: SourcePos }[],
  nodeByName: ReadonlyMap<string, (typeof nodes)[number]>,
  say: Say,
): void {
  const from = new Map<string, ParsedPod>();
  for (const pod of pods) {
    if (pod.hostIP === undefined || pod.nodeName === undefined) continue;
    const node = nodeByName.get(pod.nodeName)!;
    const source = from.get(node.name);
    if (node.internalIP === undefined) {
      node.internalIP = pod.hostIP;
      node.ipPos = pod.hostIPPos;
      from.set(node.name, pod);
      say(
        'warning',
        pod.hostIPPos,
        formatRef(node.ref),
        'status.addresses',
        `no InternalIP address: PacketWalk took ${pod.hostIP}, the status.hostIP of ${formatRef(pod.ref)}`,
      );
    } else if (node.internalIP !== pod.hostIP) {
      const theirs = source ? `the status.hostIP of ${formatRef(source.ref)}` : `its InternalIP`;
      say(
        'warning',
        pod.hostIPPos,
        formatRef(pod.ref),
        'status.hostIP',
        `status.hostIP ${pod.hostIP} is not ${node.name}'s address ${node.internalIP} (${theirs}); PacketWalk uses ${node.internalIP}`,
      );
    }
  }
}

const slash24 = (ip: number): Cidr => {
  const base = (ip & 0xffffff00) >>> 0;
  return { base, prefix: 24, text: `${formatIPv4(base)}/24` };
};
