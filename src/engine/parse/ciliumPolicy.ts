/**
 * `cilium.io/v2 CiliumNetworkPolicy` and `CiliumClusterwideNetworkPolicy`, validated as Cilium
 * validates them. One `CiliumPolicy` per rule: `spec` (specIndex 0), then each `specs[i]` (specIndex i).
 *
 * Sources (cilium/cilium):
 * - pkg/policy/api/rule.go, ingress.go, egress.go, l4.go, http.go, cidr.go, entity.go and the CRD
 *   schema generated from them: the field lists below.
 * - pkg/policy/api/rule_validation.go (Rule.Validate):
 *   "rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny" (agent ≥1.17,
 *   cilium/cilium#35558); "rule must have one of EndpointSelector or NodeSelector"; "rule cannot
 *   have both…"; "combining %s and %s is not supported yet" (one L3 field per rule); "the ICMPs block
 *   may only be present without ToPorts"; "L7 rules can only apply to TCP (not %s) except for DNS
 *   rules" (the raw protocol is checked before defaulting, so HTTP rules need `protocol: TCP`);
 *   "L7 rules can not be used when a port is 0"; "multiple L7 protocol rule types specified in
 *   single rule"; "DNS rules are not allowed on ingress"; CIDRRule: exactly one of cidr,
 *   cidrGroupRef, cidrGroupSelector, and "allow CIDR prefix %s does not contain exclude CIDR prefix
 *   %s" (an except equal to the cidr is accepted); PortProtocol: "port must be specified", ports as
 *   IANA service names (lower-cased) or numbers parsed with strconv.ParseUint(s, 0, 16).
 * - pkg/k8s/apis/cilium.io/v2/cnp_types.go: a namespaced CNP "rule cannot have NodeSelector".
 * - l4.go: PortDenyRule has only `ports` ("lacks the L7Rules since it's not supported in deny
 *   policies"), so the API server prunes a deny rule's `rules`: it loads with a warning that the
 *   deny covers the whole port.
 * - Unknown fields anywhere (a top-level `description` from old docs, a typo such as `ingres`)
 *   are pruned by the CRD's structural schema: the policy loads without them, with a warning
 *   (reader.ts `unknownFieldMessage`).
 * - CRD: `port` is a string (a YAML number is refused), endPort 0–65535, protocol enum.
 *
 * Absent and empty lists stay distinct (`null` vs `[]`): Cilium treats an empty non-nil L3 list as
 * selecting nothing, while an absent one puts no L3 constraint on the rule.
 */
import { cidrCovers, parseCidr, type Cidr } from '../cidr';
import type { LabelSelector } from '../labels';
import {
  CILIUM_ENTITIES,
  type CiliumCidrRule,
  type CiliumEntity,
  type CiliumHttpRule,
  type CiliumPolicy,
  type CiliumPort,
  type CiliumPortRule,
  type CiliumRule,
} from '../model';
import { mapItems, noteHostBits, type Collected, type ObjectContext } from './common';
import { labelKeyProblem, type Reader } from './reader';
import { childPath } from './yaml';
import { ICMPV4_TYPE_NAMES } from '../cilium/icmp';
import { re2Problem } from '../cilium/re2';

const RULE_FIELDS = [
  'endpointSelector',
  'nodeSelector',
  'ingress',
  'ingressDeny',
  'egress',
  'egressDeny',
  'labels',
  'enableDefaultDeny',
  'description',
  'log',
];

type Section = 'ingress' | 'ingressDeny' | 'egress' | 'egressDeny';

const INGRESS_L3 = [
  'fromEndpoints',
  'fromCIDR',
  'fromCIDRSet',
  'fromEntities',
  'fromNodes',
  'fromGroups',
];
const EGRESS_L3 = [
  'toEndpoints',
  'toCIDR',
  'toCIDRSet',
  'toEntities',
  'toServices',
  'toGroups',
  'toNodes',
];

/** The fields each section's rules accept (IngressRule, IngressDenyRule, EgressRule, EgressDenyRule). */
const SECTION_FIELDS: Record<Section, readonly string[]> = {
  ingress: [...INGRESS_L3, 'fromRequires', 'toPorts', 'icmps', 'authentication'],
  ingressDeny: [...INGRESS_L3, 'fromRequires', 'toPorts', 'icmps'],
  egress: [...EGRESS_L3, 'toFQDNs', 'toRequires', 'toPorts', 'icmps', 'authentication'],
  egressDeny: [...EGRESS_L3, 'toRequires', 'toPorts', 'icmps'],
};

/** L3 fields PacketWalk does not model: a rule using one is kept but selects nothing. */
const UNMODELLED_L3: Record<string, string> = {
  fromNodes: 'node selectors (fromNodes)',
  toNodes: 'node selectors (toNodes)',
  fromGroups: 'cloud provider groups (fromGroups)',
  toGroups: 'cloud provider groups (toGroups)',
  toServices: 'Service selectors (toServices)',
  toFQDNs: 'DNS names (toFQDNs)',
};

const PORT_FIELDS = ['port', 'endPort', 'protocol'];
const PORT_RULE_FIELDS = [
  'ports',
  'rules',
  'originatingTLS',
  'terminatingTLS',
  'serverNames',
  'listener',
];
const MAX_PORTS = 40; // rule_validation.go maxPorts

/** Selector keys may carry a label source prefix (`k8s:app`), as Cilium's label parser accepts. */
export function ciliumKeyProblem(key: string): string | null {
  const source = /^(k8s|any|reserved):/.exec(key);
  return labelKeyProblem(source ? key.slice(source[0].length) : key);
}

export function parseCiliumPolicy(ctx: ObjectContext, out: Collected, clusterwide: boolean): void {
  const { r } = ctx;
  if (!r.has('spec') && !r.has('specs')) {
    // CRD x-kubernetes-validations: "spec or specs must be provided".
    r.error('', 'spec or specs must be provided');
    return;
  }
  if (r.has('spec') && r.map('spec')) {
    const p = parseSpec(ctx, 'spec', 0, clusterwide);
    if (p) out.ciliumPolicies.push(p);
  }
  for (const item of mapItems(r, 'specs') ?? []) {
    const p = parseSpec(ctx, item.path, item.index, clusterwide);
    if (p) out.ciliumPolicies.push(p);
  }
}

function parseSpec(
  ctx: ObjectContext,
  path: string,
  specIndex: number,
  clusterwide: boolean,
): CiliumPolicy | undefined {
  const { r, ref } = ctx;
  r.keys(path, RULE_FIELDS);
  const esPath = childPath(path, 'endpointSelector');
  const nsPath = childPath(path, 'nodeSelector');
  const hasES = r.has(esPath);
  const hasNS = r.has(nsPath);
  let ok = true;
  if (!hasES && !hasNS) {
    r.error(path, 'rule must have one of endpointSelector or nodeSelector');
    ok = false;
  } else if (hasES && hasNS) {
    r.error(nsPath, 'rule cannot have both endpointSelector and nodeSelector');
    ok = false;
  } else if (hasNS && !clusterwide) {
    r.error(
      nsPath,
      'rule cannot have NodeSelector (only a CiliumClusterwideNetworkPolicy can select nodes)',
    );
    ok = false;
  }
  const endpointSelector = r.labelSelector(esPath, { keyCheck: ciliumKeyProblem });
  const nodeSelector = r.labelSelector(nsPath, { keyCheck: ciliumKeyProblem });
  const hostPolicy = hasNS;

  const sections = {} as Record<Section, CiliumRule[] | null>;
  for (const s of ['ingress', 'ingressDeny', 'egress', 'egressDeny'] as const) {
    sections[s] = parseSection(ctx, childPath(path, s), s, hostPolicy);
  }
  const counts = (['ingress', 'ingressDeny', 'egress', 'egressDeny'] as const).map(
    (s) => (r.list(childPath(path, s)) ?? []).length,
  );
  if (counts.every((n) => n === 0)) {
    r.error(
      path,
      'rule must have at least one of ingress, ingressDeny, egress, egressDeny (Cilium 1.17+ rejects it; an empty list counts as none)',
    );
    ok = false;
  }

  const eddPath = childPath(path, 'enableDefaultDeny');
  let enableDefaultDeny: CiliumPolicy['enableDefaultDeny'];
  if (r.map(eddPath)) {
    r.keys(eddPath, ['ingress', 'egress']);
    const ingress = r.bool(childPath(eddPath, 'ingress'));
    const egress = r.bool(childPath(eddPath, 'egress'));
    enableDefaultDeny = {
      ...(ingress !== undefined ? { ingress } : {}),
      ...(egress !== undefined ? { egress } : {}),
    };
  }
  r.string(childPath(path, 'description'));

  if (!ok) return undefined;
  return {
    dialect: 'cilium',
    ref,
    clusterwide,
    ...(clusterwide ? {} : { namespace: ref.namespace! }),
    name: ref.name,
    specIndex,
    ...(endpointSelector ? { endpointSelector } : {}),
    ...(nodeSelector ? { nodeSelector } : {}),
    ingress: sections.ingress,
    egress: sections.egress,
    ingressDeny: sections.ingressDeny,
    egressDeny: sections.egressDeny,
    ...(enableDefaultDeny ? { enableDefaultDeny } : {}),
  };
}

function parseSection(
  ctx: ObjectContext,
  path: string,
  section: Section,
  hostPolicy: boolean,
): CiliumRule[] | null {
  const items = mapItems(ctx.r, path, { nullIsEmpty: true });
  if (!items) return null;
  const rules: CiliumRule[] = [];
  for (const item of items) {
    const rule = parseRule(ctx, item.path, item.index, section, hostPolicy);
    if (rule) rules.push(rule);
  }
  return rules;
}

function parseRule(
  ctx: ObjectContext,
  path: string,
  index: number,
  section: Section,
  hostPolicy: boolean,
): CiliumRule | undefined {
  const { r } = ctx;
  const ingress = section === 'ingress' || section === 'ingressDeny';
  const deny = section === 'ingressDeny' || section === 'egressDeny';
  const from = ingress ? 'from' : 'to';
  const allowed = SECTION_FIELDS[section];
  r.keys(path, allowed);
  let ok = true;

  const l3Fields = [
    ...(ingress ? INGRESS_L3 : EGRESS_L3),
    ...(section === 'egress' ? ['toFQDNs'] : []),
  ];
  const used = l3Fields.filter((f) => (r.list(childPath(path, f)) ?? []).length > 0);
  if (used.length > 1) {
    r.error(
      childPath(path, used[1]!),
      `combining ${used[0]} and ${used[1]} is not supported yet: Cilium rejects the rule (write one rule per peer kind)`,
    );
    ok = false;
  }
  const requires = `${from}Requires`;
  if ((r.list(childPath(path, requires)) ?? []).length > 0) {
    r.error(childPath(path, requires), `${requires} is deprecated: the CRD accepts no items`);
    ok = false;
  }

  let matchesNothing = false;
  for (const f of used) {
    const what = UNMODELLED_L3[f];
    if (what) {
      r.warn(
        childPath(path, f),
        `PacketWalk does not model ${what}: this rule is kept but selects no peer, so verdicts for the traffic it would match can differ`,
      );
      matchesNothing = true;
    }
  }

  const epPath = childPath(path, `${from}Endpoints`);
  let endpoints: LabelSelector[] | null = null;
  const epList = r.list(epPath);
  if (epList) {
    endpoints = [];
    epList.forEach((_, i) => {
      const p = childPath(epPath, i);
      if (r.get(p) === null || r.get(p) === undefined) {
        endpoints!.push({}); // `- {}` written as `-`: the empty selector
        return;
      }
      const sel = r.labelSelector(p, { keyCheck: ciliumKeyProblem });
      if (sel) endpoints!.push(sel);
    });
  }

  const cidrs = parseCidrs(ctx, path, from);
  if (cidrs === undefined) ok = false;

  const entPath = childPath(path, `${from}Entities`);
  let entities: CiliumEntity[] | null = null;
  const entList = r.strings(entPath);
  if (entList) {
    entities = [];
    entList.forEach((e, i) => {
      if ((CILIUM_ENTITIES as readonly string[]).includes(e)) {
        if (!entities!.includes(e as CiliumEntity)) entities!.push(e as CiliumEntity);
      } else if (e !== 'none') {
        // `none` is a valid entity that selects nothing; dropping it keeps that meaning.
        r.error(
          childPath(entPath, i),
          `unsupported entity: ${e} (supported: ${[...CILIUM_ENTITIES, 'none'].join(', ')})`,
        );
        ok = false;
      }
    });
  }

  const icmpsPath = childPath(path, 'icmps');
  const hasIcmps = (r.list(icmpsPath) ?? []).length > 0;
  const hasToPorts = (r.list(childPath(path, 'toPorts')) ?? []).length > 0;
  if (hasIcmps && hasToPorts) {
    r.error(
      icmpsPath,
      'the ICMPs block may only be present without ToPorts. Define a separate rule to use ToPorts',
    );
    ok = false;
  }
  // pkg/policy/api/icmp.go (see ../cilium/icmp.ts): `len(ICMPs) > 0` decides, like toPorts.
  const icmps = hasIcmps ? parseIcmps(ctx, icmpsPath) : null;
  if (icmps === undefined) ok = false;
  if (r.has(childPath(path, 'authentication'))) {
    r.warn(
      childPath(path, 'authentication'),
      'mutual authentication is not modelled: PacketWalk assumes it succeeds',
    );
  }

  const toPortsPath = childPath(path, 'toPorts');
  let toPorts: CiliumPortRule[] | null = null;
  const portItems = mapItems(r, toPortsPath, { nullIsEmpty: true });
  // Unlike the L3 lists, an empty toPorts is read as an absent one: Cilium's Go code asks
  // `len(ToPorts) > 0` (e.g. rule_validation.go), which cannot tell the two apart.
  if (portItems && portItems.length > 0) {
    toPorts = [];
    for (const item of portItems) {
      const pr = parsePortRule(ctx, item.path, { deny, ingress, hostPolicy });
      if (pr) toPorts.push(pr);
      else ok = false;
    }
  }

  if (!ok) return undefined;
  return {
    endpoints: matchesNothing ? [] : endpoints,
    cidrs: matchesNothing ? null : cidrs!,
    entities: matchesNothing ? null : entities,
    toPorts,
    ...(icmps ? { icmps } : {}),
    index,
    pos: r.fieldPos(path),
  };
}

/**
 * `icmps: [{fields: [{type, family}]}]`: the IPv4 ICMP types, merged. A type is 0-255 or a name
 * from `icmpIpv4TypeNameToCode`; IPv6 fields never match an IPv4 packet and are dropped with a
 * warning. `undefined` after an error.
 */
function parseIcmps(ctx: ObjectContext, path: string): number[] | undefined {
  const { r } = ctx;
  const types: number[] = [];
  let ok = true;
  for (const item of mapItems(r, path) ?? []) {
    r.keys(item.path, ['fields']);
    for (const field of mapItems(r, childPath(item.path, 'fields')) ?? []) {
      r.keys(field.path, ['family', 'type']);
      const familyPath = childPath(field.path, 'family');
      const family = r.string(familyPath) ?? 'IPv4';
      if (family !== 'IPv4' && family !== 'IPv6') {
        r.error(familyPath, `Unsupported value: "${family}": supported values: "IPv4", "IPv6"`);
        ok = false;
        continue;
      }
      const typePath = childPath(field.path, 'type');
      const raw = r.get(typePath);
      if (family === 'IPv6') {
        r.warn(
          field.path,
          'an IPv6 ICMP type never matches IPv4 traffic; PacketWalk models IPv4 only',
        );
        continue;
      }
      let type: number | undefined;
      if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= 255) type = raw;
      else if (typeof raw === 'string' && /^\d+$/.test(raw) && Number(raw) <= 255)
        type = Number(raw);
      else if (typeof raw === 'string' && raw in ICMPV4_TYPE_NAMES) type = ICMPV4_TYPE_NAMES[raw];
      if (type === undefined) {
        r.error(
          typePath,
          raw === undefined || raw === null
            ? 'Required value: an ICMP type (0-255 or a name such as EchoRequest)'
            : `ICMP type ${String(raw)} not found in IPv4 (0-255 or one of ${Object.keys(ICMPV4_TYPE_NAMES).join(', ')})`,
        );
        ok = false;
        continue;
      }
      if (!types.includes(type)) types.push(type);
    }
  }
  return ok ? types : undefined;
}

/** fromCIDR + fromCIDRSet (toCIDR + toCIDRSet) merged; `null` when both are absent. */
function parseCidrs(
  ctx: ObjectContext,
  rulePath: string,
  from: string,
): CiliumCidrRule[] | null | undefined {
  const { r } = ctx;
  const listPath = childPath(rulePath, `${from}CIDR`);
  const setPath = childPath(rulePath, `${from}CIDRSet`);
  const list = r.strings(listPath);
  const set = mapItems(r, setPath);
  if (!list && !set) return null;
  const out: CiliumCidrRule[] = [];
  let ok = true;
  let ipv6 = false;
  (list ?? []).forEach((text, i) => {
    if (text.includes(':')) {
      ipv6 = true;
      return;
    }
    // CIDR.Validate accepts a bare address or a prefix; host bits are masked (netip.Prefix).
    const c = parseCidr(text, { allowHostBits: true });
    if (!c.ok) {
      r.error(childPath(listPath, i), `unable to parse CIDR: ${c.error}`);
      ok = false;
    } else {
      if (c.hostBits) noteHostBits(r, childPath(listPath, i), text, c.cidr, 'Cilium');
      out.push({ cidr: c.cidr, except: [] });
    }
  });
  for (const item of set ?? []) {
    r.keys(item.path, ['cidr', 'cidrGroupRef', 'cidrGroupSelector', 'except']);
    const present = ['cidr', 'cidrGroupRef', 'cidrGroupSelector'].filter((k) =>
      r.has(childPath(item.path, k)),
    );
    if (present.length === 0) {
      r.error(item.path, 'one of cidr, cidrGroupRef, or cidrGroupSelector is required');
      ok = false;
      continue;
    }
    if (present.length > 1) {
      r.error(
        item.path,
        'more than one of cidr, cidrGroupRef, or cidrGroupSelector may not be set',
      );
      ok = false;
      continue;
    }
    if (present[0] !== 'cidr') {
      r.warn(
        childPath(item.path, present[0]!),
        'CiliumCIDRGroup references are not modelled: PacketWalk treats this entry as matching no address',
      );
      continue;
    }
    const cidrPath = childPath(item.path, 'cidr');
    const text = r.string(cidrPath);
    if (text === undefined) {
      ok = false;
      continue;
    }
    if (text.includes(':')) {
      ipv6 = true;
      continue;
    }
    // CIDRRule.Validate: "Only allow notation <IP address>/<prefix>".
    const c = text.includes('/') ? parseCidr(text, { allowHostBits: true }) : undefined;
    if (!c || !c.ok) {
      r.error(
        cidrPath,
        `unable to parse CIDRRule "${text}"${c && !c.ok ? `: ${c.error}` : ': expected <address>/<prefix>'}`,
      );
      ok = false;
      continue;
    }
    if (c.hostBits) noteHostBits(r, cidrPath, text, c.cidr, 'Cilium');
    const except: Cidr[] = [];
    const exceptPath = childPath(item.path, 'except');
    (r.strings(exceptPath) ?? []).forEach((e, i) => {
      const ep = childPath(exceptPath, i);
      const ec = e.includes(':') ? undefined : parseCidr(e, { allowHostBits: true });
      if (ec && !ec.ok) {
        r.error(ep, ec.error);
        ok = false;
      } else if (!ec || !cidrCovers(c.cidr, ec.cidr)) {
        r.error(ep, `allow CIDR prefix ${text} does not contain exclude CIDR prefix ${e}`);
        ok = false;
      } else except.push(ec.cidr);
    });
    out.push({ cidr: c.cidr, except });
  }
  if (ipv6) {
    r.warn(
      rulePath,
      'IPv6 CIDRs are skipped: PacketWalk models IPv4 only (they never match an IPv4 packet)',
    );
  }
  return ok ? out : undefined;
}

function parsePortRule(
  ctx: ObjectContext,
  path: string,
  opts: { deny: boolean; ingress: boolean; hostPolicy: boolean },
): CiliumPortRule | undefined {
  const { r } = ctx;
  let ok = true;
  if (opts.deny) {
    // PortDenyRule has only `ports`: the CRD schema prunes `rules`, so the deny covers the whole
    // port, whatever the L7 rules said.
    r.keys(path, ['ports'], {
      rules:
        "Deny rules cannot carry L7 rules (Cilium's PortDenyRule has only `ports`), so this deny applies to every request on these ports.",
    });
  } else {
    r.keys(path, PORT_RULE_FIELDS);
  }

  const portsPath = childPath(path, 'ports');
  const ports: CiliumPort[] = [];
  const portItems = mapItems(r, portsPath) ?? [];
  if (portItems.length > MAX_PORTS) {
    r.error(portsPath, `too many ports, the max is ${MAX_PORTS}`);
    ok = false;
  }
  const rawProtocols: string[] = [];
  for (const item of portItems) {
    const p = parsePort(r, item.path);
    if (p) {
      ports.push(p.port);
      rawProtocols.push(p.rawProtocol);
    } else ok = false;
  }

  for (const f of ['serverNames', 'listener'] as const) {
    if (!opts.deny && r.has(childPath(path, f))) {
      r.error(
        childPath(path, f),
        f === 'serverNames'
          ? 'TLS server names (SNI) are not modelled by PacketWalk'
          : 'custom Envoy listeners are not modelled by PacketWalk',
      );
      ok = false;
    }
  }
  for (const f of ['originatingTLS', 'terminatingTLS'] as const) {
    if (!opts.deny && r.has(childPath(path, f))) {
      r.warn(
        childPath(path, f),
        'TLS origination and termination are not modelled; the rule applies to the decrypted request',
      );
    }
  }

  let http: CiliumHttpRule[] | null = null;
  const rulesPath = childPath(path, 'rules');
  if (!opts.deny && r.map(rulesPath)) {
    r.keys(rulesPath, ['http', 'kafka', 'dns', 'l7proto', 'l7']);
    const kinds: string[] = ['http', 'kafka', 'dns'].filter((k) => r.list(childPath(rulesPath, k)));
    const l7proto = r.string(childPath(rulesPath, 'l7proto'));
    if (l7proto) kinds.push('l7proto');
    if (r.has(childPath(rulesPath, 'l7')) && !l7proto) {
      r.error(
        childPath(rulesPath, 'l7'),
        "'l7' may only be specified when a 'l7proto' is also specified",
      );
      ok = false;
    }
    const anyL7 = kinds.length > 0 || r.has(childPath(rulesPath, 'l7'));
    const dns = kinds.includes('dns');
    if (kinds.length > 1) {
      r.error(rulesPath, 'multiple L7 protocol rule types specified in single rule');
      ok = false;
    }
    if (dns && opts.ingress) {
      r.error(childPath(rulesPath, 'dns'), 'DNS rules are not allowed on ingress');
      ok = false;
    }
    if (dns && portItems.length === 0) {
      r.error(childPath(rulesPath, 'dns'), 'port 53 must be specified for DNS rules');
      ok = false;
    }
    if (opts.hostPolicy && kinds.includes('http')) {
      r.error(
        childPath(rulesPath, 'http'),
        'L7 policy is not supported on host policies (nodeSelector) yet',
      );
      ok = false;
    }
    if (anyL7) {
      ports.forEach((p, i) => {
        const pp = childPath(childPath(portsPath, i), 'port');
        if (p.port === 0) {
          r.error(pp, 'L7 rules can not be used when a port is 0');
          ok = false;
        }
        if (!dns && rawProtocols[i] !== 'TCP') {
          r.error(
            childPath(childPath(portsPath, i), 'protocol'),
            `L7 rules can only apply to TCP (not ${rawProtocols[i] || 'ANY'}) except for DNS rules: write protocol: TCP`,
          );
          ok = false;
        }
      });
    }
    if (kinds.includes('http')) {
      http = [];
      for (const item of mapItems(r, childPath(rulesPath, 'http'), { nullIsEmpty: true }) ?? []) {
        const h = parseHttpRule(r, item.path);
        if (h) http.push(h);
        else ok = false;
      }
    } else if (anyL7) {
      r.warn(
        rulesPath,
        'only HTTP rules are modelled: PacketWalk applies this port rule at L4 and does not judge the DNS, Kafka or other L7 requests',
      );
    }
  }

  return ok ? { ports, http } : undefined;
}

function parsePort(r: Reader, path: string): { port: CiliumPort; rawProtocol: string } | undefined {
  r.keys(path, PORT_FIELDS);
  let ok = true;
  const portPath = childPath(path, 'port');
  const raw = r.get(portPath);
  let port: number | string | undefined;
  if (raw === undefined || raw === null || raw === '') {
    r.error(portPath, 'port must be specified (use "0" for every port)');
    ok = false;
  } else if (typeof raw !== 'string') {
    r.error(portPath, `must be a string: quote it (port: "${String(raw)}")`);
    ok = false;
  } else if (/[a-zA-Z]/.test(raw)) {
    // An IANA service name, compared case-insensitively (PortProtocol.Sanitize lower-cases it).
    const name = raw.toLowerCase();
    if (name.length > 15 || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
      r.error(
        portPath,
        `"${raw}" is neither a port number nor a valid port name (IANA service name)`,
      );
      ok = false;
    } else port = name;
  } else {
    const n = parseGoUint(raw);
    if (n === undefined || n > 65535) {
      r.error(portPath, `unable to parse port: "${raw}" is not a port number (0-65535)`);
      ok = false;
    } else port = n;
  }
  const endPath = childPath(path, 'endPort');
  let endPort = r.int(endPath, { min: 0, max: 65535 });
  if (r.has(endPath) && endPort === undefined) ok = false;
  if (endPort !== undefined && port !== undefined) {
    if (typeof port === 'string') {
      r.warn(endPath, 'endPort is ignored when port is a name');
      endPort = undefined;
    } else if (endPort === 0 || endPort === port) {
      endPort = undefined;
    } else if (endPort < port) {
      r.warn(
        endPath,
        `endPort ${endPort} is below port ${port}: PacketWalk matches port ${port} only`,
      );
      endPort = undefined;
    }
  }
  const protoPath = childPath(path, 'protocol');
  const proto = r.string(protoPath);
  let protocol: CiliumPort['protocol'] = 'ANY';
  if (proto !== undefined && proto !== '') {
    if (proto === 'TCP' || proto === 'UDP' || proto === 'SCTP' || proto === 'ANY') protocol = proto;
    else if (proto === 'VRRP' || proto === 'IGMP') {
      r.error(protoPath, `${proto} is a valid Cilium protocol but is not modelled by PacketWalk`);
      ok = false;
    } else {
      r.error(
        protoPath,
        `Unsupported value: "${proto}": supported values: "TCP", "UDP", "SCTP", "ANY"`,
      );
      ok = false;
    }
  }
  if (!ok || port === undefined) return undefined;
  return {
    port: { port, ...(endPort !== undefined ? { endPort } : {}), protocol },
    rawProtocol: proto ?? '',
  };
}

/** strconv.ParseUint(s, 0, 16) on digits: a leading 0 means octal ("010" is 8). */
function parseGoUint(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  if (text.length > 1 && text.startsWith('0')) {
    return /^[0-7]+$/.test(text) ? parseInt(text, 8) : undefined;
  }
  return Number(text);
}

function parseHttpRule(r: Reader, path: string): CiliumHttpRule | undefined {
  r.keys(path, ['path', 'method', 'host', 'headers', 'headerMatches']);
  let ok = true;
  const fields: { method?: string; path?: string; host?: string } = {};
  for (const f of ['method', 'path', 'host'] as const) {
    const p = childPath(path, f);
    const v = r.string(p);
    if (v === undefined || v === '') continue;
    // RE2 syntax as Cilium's API (Go regexp.Compile) and Envoy (RE2) refuse it: cilium/re2.ts.
    const problem = re2Problem(v);
    if (problem) {
      r.error(
        p,
        `"${v}" is not a valid regular expression: ${problem} (RE2 syntax, which Cilium and Envoy use)`,
      );
      ok = false;
    } else fields[f] = v;
  }
  const headers = r.strings(childPath(path, 'headers'));
  const headerMatches: { name: string; value?: string }[] = [];
  for (const item of mapItems(r, childPath(path, 'headerMatches')) ?? []) {
    r.keys(item.path, ['mismatch', 'name', 'secret', 'value']);
    const name = r.string(childPath(item.path, 'name'), { required: true });
    if (name === '') {
      r.error(childPath(item.path, 'name'), 'Header name missing');
      ok = false;
    }
    const mismatch = r.oneOf(childPath(item.path, 'mismatch'), ['LOG', 'ADD', 'DELETE', 'REPLACE']);
    const value = r.string(childPath(item.path, 'value'));
    if (r.has(childPath(item.path, 'secret'))) {
      if (value === undefined) {
        r.error(
          childPath(item.path, 'secret'),
          'header values from Secrets are not modelled by PacketWalk',
        );
        ok = false;
        continue;
      }
      r.warn(
        childPath(item.path, 'secret'),
        'Secrets are not modelled: PacketWalk compares the header with `value`',
      );
    }
    if (!name) {
      ok = false;
      continue;
    }
    if (mismatch !== undefined) {
      // "Otherwise the overall rule is still considered as matching" (http.go HeaderMatch).
      r.warn(
        childPath(item.path, 'mismatch'),
        `with mismatch: ${mismatch} a request whose header does not match is still allowed, so this header match never refuses one`,
      );
      continue;
    }
    headerMatches.push(value !== undefined && value !== '' ? { name, value } : { name });
  }
  if (!ok) return undefined;
  return {
    ...fields,
    ...(headers && headers.length > 0 ? { headers } : {}),
    ...(headerMatches.length > 0 ? { headerMatches } : {}),
  };
}
