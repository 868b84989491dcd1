/**
 * `networking.k8s.io/v1 NetworkPolicy` (and Calico's `StagedKubernetesNetworkPolicy`, which carries
 * the same spec), validated as the API server validates it and defaulted as it defaults it.
 *
 * Sources (kubernetes/kubernetes):
 * - pkg/apis/networking/types.go: podSelector "is NOT optional"; from/to and ports: "If this field
 *   is empty or missing, this rule matches all" — both normalise to `null` here.
 * - pkg/apis/networking/v1/defaults.go, SetDefaults_NetworkPolicy: when policyTypes is empty it
 *   becomes [Ingress], plus Egress when `len(spec.Egress) != 0`; SetDefaults_NetworkPolicyPort:
 *   protocol defaults to TCP.
 * - pkg/apis/networking/validation/validation.go: ValidateNetworkPolicyPeer ("must specify a peer",
 *   "may not specify both ipBlock and another peer"), ValidateNetworkPolicyPort (IsValidPortNum,
 *   IsValidPortName, the three endPort rules), ValidateIPBlock ("must be a strict subset of
 *   `cidr`"; host bits allowed, see K8S_MASKS), policyTypes ("may not specify more than two policyTypes", NotSupported).
 */
import { cidrCovers, type Cidr } from '../cidr';
import type { Direction, IPBlock, K8sNetworkPolicy, K8sPeer, K8sRule, PortSpec } from '../model';
import {
  checkPortName,
  cidrOrIPv6,
  mapItems,
  portNumberProblem,
  type Collected,
  type ObjectContext,
} from './common';
import { childPath } from './yaml';

const SPEC_FIELDS = ['podSelector', 'policyTypes', 'ingress', 'egress'];

/**
 * ipBlock CIDRs may have host bits set: ValidateIPBlock checks them with
 * IsValidCIDRForLegacyField (strict only behind the alpha StrictIPCIDRValidation gate in 1.33) and
 * the API server answers with GetWarningsForCIDR's "is ambiguous in this context" warning; the
 * network plugins use the network (`net.ParseCIDR`).
 */
const K8S_MASKS = 'Kubernetes';
const PEER_FIELDS = ['podSelector', 'namespaceSelector', 'ipBlock'];
const PORT_FIELDS = ['protocol', 'port', 'endPort'];
const IPBLOCK_FIELDS = ['cidr', 'except'];
const INGRESS_RULE_FIELDS = ['from', 'ports'];
const EGRESS_RULE_FIELDS = ['to', 'ports'];

export function parseK8sPolicy(ctx: ObjectContext, out: Collected, staged: boolean): void {
  const { r, ref } = ctx;
  if (!r.map('spec', { required: true })) return;
  r.keys('spec', staged ? [...SPEC_FIELDS, 'stagedAction'] : SPEC_FIELDS);
  if (staged) r.oneOf('spec.stagedAction', ['Set', 'Delete', 'Learn', 'Ignore']);

  const podSelector = r.labelSelector('spec.podSelector');
  if (!r.has('spec.podSelector')) {
    r.error('spec.podSelector', 'Required value: use {} to select every pod in the namespace');
  }

  const ingress = parseRules(ctx, 'spec.ingress', 'from');
  const egress = parseRules(ctx, 'spec.egress', 'to');

  const written = r.strings('spec.policyTypes');
  let policyTypes: Direction[];
  let policyTypesInferred = false;
  if (!written || written.length === 0) {
    policyTypesInferred = true;
    policyTypes = ['ingress'];
    if ((r.list('spec.egress') ?? []).length !== 0) policyTypes.push('egress');
  } else {
    policyTypes = [];
    if (written.length > 2) {
      r.error('spec.policyTypes', 'Invalid value: may not specify more than two policyTypes');
    }
    written.forEach((t, i) => {
      const p = childPath('spec.policyTypes', i);
      if (t !== 'Ingress' && t !== 'Egress') {
        r.error(p, `Unsupported value: "${t}": supported values: "Ingress", "Egress"`);
        return;
      }
      const d: Direction = t === 'Ingress' ? 'ingress' : 'egress';
      if (policyTypes.includes(d)) r.warn(p, `"${t}" is listed twice`);
      else policyTypes.push(d);
    });
    for (const [d, rules, field] of [
      ['ingress', ingress, 'spec.ingress'],
      ['egress', egress, 'spec.egress'],
    ] as const) {
      if (rules.length > 0 && !policyTypes.includes(d)) {
        r.warn(
          field,
          `policyTypes does not include ${d === 'ingress' ? 'Ingress' : 'Egress'}, so these ${d} rules have no effect`,
        );
      }
    }
  }

  const policy: K8sNetworkPolicy = {
    dialect: 'k8s',
    ref,
    namespace: ref.namespace!,
    name: ref.name,
    podSelector: podSelector ?? {},
    policyTypes,
    policyTypesInferred,
    ingress,
    egress,
    staged,
  };
  out.k8sPolicies.push(policy);
}

function parseRules(ctx: ObjectContext, path: string, peerField: 'from' | 'to'): K8sRule[] {
  const { r } = ctx;
  const rules: K8sRule[] = [];
  for (const item of mapItems(r, path, { nullIsEmpty: true }) ?? []) {
    r.keys(item.path, peerField === 'from' ? INGRESS_RULE_FIELDS : EGRESS_RULE_FIELDS);
    const peersPath = childPath(item.path, peerField);
    const peerItems = mapItems(r, peersPath);
    let peers: K8sPeer[] | null = null;
    let ipv6Only = false;
    if (peerItems && peerItems.length > 0) {
      peers = [];
      for (const p of peerItems) {
        const peer = parsePeer(ctx, p.path);
        if (peer === 'ipv6') ipv6Only = true;
        else if (peer) peers.push(peer);
      }
      if (peers.length === 0 && ipv6Only) {
        // Every peer is an IPv6 block: the rule can never match IPv4 traffic. Dropping it keeps the
        // policy's meaning (rules are ORed); `peers: []` would wrongly read as "every peer".
        r.warn(
          peersPath,
          `every ${peerField} peer is an IPv6 ipBlock; PacketWalk models IPv4 only, so this rule matches nothing here`,
        );
        continue;
      }
    }
    const portItems = mapItems(r, childPath(item.path, 'ports'));
    let ports: PortSpec[] | null = null;
    if (portItems && portItems.length > 0) {
      ports = [];
      for (const p of portItems) {
        const port = parsePort(ctx, p.path);
        if (port) ports.push(port);
      }
    }
    rules.push({ peers, ports, index: item.index, pos: r.fieldPos(item.path) });
  }
  return rules;
}

function parsePeer(ctx: ObjectContext, path: string): K8sPeer | 'ipv6' | undefined {
  const { r } = ctx;
  r.keys(path, PEER_FIELDS);
  const hasPod = r.has(childPath(path, 'podSelector'));
  const hasNs = r.has(childPath(path, 'namespaceSelector'));
  const hasBlock = r.has(childPath(path, 'ipBlock'));
  const podSelector = r.labelSelector(childPath(path, 'podSelector'));
  const namespaceSelector = r.labelSelector(childPath(path, 'namespaceSelector'));
  const count = Number(hasPod) + Number(hasNs) + Number(hasBlock);
  if (count === 0) {
    // A `- ports:` written one level too deep (a from/to item of its own) is the usual cause.
    const ports = r.has(childPath(path, 'ports'))
      ? ': ports belongs to the rule, next to from/to (one "-" for both), not in a peer item'
      : '';
    r.error(path, `Required value: must specify a peer${ports}`);
    return undefined;
  }
  if (hasBlock && count > 1) {
    r.error(path, 'Forbidden: may not specify both ipBlock and another peer');
    return undefined;
  }
  if (hasBlock) {
    const block = parseIPBlock(ctx, childPath(path, 'ipBlock'));
    return block === 'ipv6' ? 'ipv6' : block ? { ipBlock: block } : undefined;
  }
  return {
    ...(podSelector ? { podSelector } : {}),
    ...(namespaceSelector ? { namespaceSelector } : {}),
  };
}

function parseIPBlock(ctx: ObjectContext, path: string): IPBlock | 'ipv6' | undefined {
  const { r } = ctx;
  if (!r.map(path)) return undefined;
  r.keys(path, IPBLOCK_FIELDS);
  const cidrPath = childPath(path, 'cidr');
  const cidr = cidrOrIPv6(r, cidrPath, { required: true, hostBitsAcceptedBy: K8S_MASKS });
  if (cidr === undefined) return undefined;
  const except: Cidr[] = [];
  let ok = true;
  const exceptPath = childPath(path, 'except');
  (r.strings(exceptPath) ?? []).forEach((_, i) => {
    const p = childPath(exceptPath, i);
    const e = cidrOrIPv6(r, p, { hostBitsAcceptedBy: K8S_MASKS });
    if (e === undefined) {
      ok = false;
      return;
    }
    if (cidr === 'ipv6' || e === 'ipv6') {
      if (cidr !== e) {
        r.error(p, 'Invalid value: must be a strict subset of `cidr`');
        ok = false;
      }
      return;
    }
    if (!cidrCovers(cidr, e) || e.prefix <= cidr.prefix) {
      r.error(p, `Invalid value: "${e.text}": must be a strict subset of \`cidr\` (${cidr.text})`);
      ok = false;
      return;
    }
    except.push(e);
  });
  if (!ok) return undefined;
  return cidr === 'ipv6' ? 'ipv6' : { cidr, except };
}

function parsePort(ctx: ObjectContext, path: string): PortSpec | undefined {
  const { r } = ctx;
  r.keys(path, PORT_FIELDS);
  const protocol = r.protocol(childPath(path, 'protocol'));
  const portPath = childPath(path, 'port');
  const endPath = childPath(path, 'endPort');
  const raw = r.get(portPath);
  let port: number | string | undefined;
  let ok = protocol !== undefined;
  if (typeof raw === 'number') {
    const problem = portNumberProblem(raw);
    if (problem) {
      r.error(portPath, `Invalid value: ${raw}: ${problem}`);
      ok = false;
    }
    port = raw;
  } else if (typeof raw === 'string') {
    ok = checkPortName(r, portPath, raw) && ok;
    port = raw;
  } else if (raw !== undefined && raw !== null) {
    r.error(portPath, 'must be a port number or a port name');
    ok = false;
  }
  const endPort = r.int(endPath);
  if (r.has(endPath) && endPort === undefined) ok = false;
  if (endPort !== undefined) {
    if (port === undefined) {
      r.error(
        endPath,
        `Invalid value: ${endPort}: may not be specified when \`port\` is not specified`,
      );
      ok = false;
    } else if (typeof port === 'string') {
      r.error(
        endPath,
        `Invalid value: ${endPort}: may not be specified when \`port\` is non-numeric`,
      );
      ok = false;
    } else {
      if (endPort < port) {
        r.error(endPath, `Invalid value: ${endPort}: must be greater than or equal to \`port\``);
        ok = false;
      }
      const problem = portNumberProblem(endPort);
      if (problem) {
        r.error(endPath, `Invalid value: ${endPort}: ${problem}`);
        ok = false;
      }
    }
  }
  if (!ok || protocol === undefined) return undefined;
  return {
    protocol,
    ...(port !== undefined ? { port } : {}),
    ...(endPort !== undefined ? { endPort } : {}),
  };
}
