/**
 * The smallest fix: for a connection a CNI drops, the smallest policy change that allows it, in the
 * dialect the user picks (Kubernetes NetworkPolicy, CiliumNetworkPolicy, Calico NetworkPolicy).
 *
 * For the direction that dropped (the source's egress or the destination's ingress) it adds one rule
 * to the deciding policy when that policy is in the chosen dialect (another policy of the dialect
 * selecting the endpoint otherwise), selecting the peer by its most specific labels and namespace
 * and the probe's port and protocol; when no policy of the dialect selects the endpoint for that
 * direction, it writes a new policy that does. A Calico Deny rule is answered by an Allow rule
 * placed just before it (rules are evaluated in order, felix/rules/policy.go). A Cilium deny rule
 * cannot be outvoted by an allow (deny wins, bpf/lib/policy.h), so no fix is offered for it.
 *
 * Every fix is verified: the changed manifests are loaded again and the connection judged again;
 * it is offered only if the CNI then allows it. The other connections the change opens (or
 * closes) are the difference of the verdict matrix over every pod pair and declared port.
 */
import { isCalicoSelected } from './calico/reference';
import { podKey } from './cluster';
import { addRule, appendObject, type TextEdit } from './fixYaml';
import type { Cluster, Cni, Direction, ObjectRef, Pod, Probe, ResolvedProbe } from './model';
import { formatRef } from './model';
import { loadManifests } from './parse/load';
import { formatProbeEndpoint } from './probe';
import { k8sPoliciesSelecting } from './reference/k8s';
import { createEngine, defaultProbes, evaluateProbe, type Engine } from './verdict';

export type FixDialect = 'k8s' | 'cilium' | 'calico';
export const FIX_DIALECTS: readonly FixDialect[] = ['k8s', 'cilium', 'calico'];
export const DIALECT_NAME: Readonly<Record<FixDialect, string>> = {
  k8s: 'Kubernetes NetworkPolicy',
  cilium: 'CiliumNetworkPolicy',
  calico: 'Calico NetworkPolicy',
};

export interface FixRequest {
  readonly probe: Probe;
  readonly cni: Cni;
  /** Absent: the deciding policy's dialect when the CNI reads it, else Kubernetes. */
  readonly dialect?: FixDialect;
}

export interface FixChange {
  readonly kind: 'add-rule' | 'new-policy';
  readonly direction: Direction;
  /** `NetworkPolicy shop/allow-frontend`. */
  readonly policy: string;
  /** The rule's path in the object (`spec.ingress[1]`). */
  readonly rule: string;
  /** The whole changed object, as YAML. */
  readonly yaml: string;
  /** One sentence: what the change is. */
  readonly summary: string;
}

/** A connection whose verdict under a CNI changes with the fix. */
export interface ConnectionChange {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: string;
  readonly cni: Cni;
}

export type FixResult =
  | {
      readonly ok: true;
      readonly cni: Cni;
      readonly dialect: FixDialect;
      readonly changes: readonly FixChange[];
      /** Every changed object, `---` between them. */
      readonly yaml: string;
      /** The whole file with the fix applied (what `kubectl apply` of the changes leaves). */
      readonly text: string;
      /** Other connections (pods × declared ports) the fix also allows, under either CNI. */
      readonly opened: readonly ConnectionChange[];
      /** Connections allowed before and denied after (a new policy's default deny), either CNI. */
      readonly closed: readonly ConnectionChange[];
      /** False when the cluster is too large to list them (over MAX_DIFF_PROBES probes). */
      readonly listed: boolean;
    }
  | { readonly ok: false; readonly error: string };

const fail = (error: string): FixResult => ({ ok: false, error });

/** Which CNIs read a dialect (fix dialects only: the namespaced kinds). */
const READ_BY: Readonly<Record<FixDialect, readonly Cni[]>> = {
  k8s: ['calico', 'cilium'],
  cilium: ['cilium'],
  calico: ['calico'],
};

const dialectOfRef = (policy: string | undefined): FixDialect | undefined =>
  policy?.startsWith('NetworkPolicy ')
    ? 'k8s'
    : policy?.startsWith('CiliumNetworkPolicy ')
      ? 'cilium'
      : policy?.startsWith('NetworkPolicy') || policy?.startsWith('GlobalNetworkPolicy')
        ? 'calico'
        : undefined;

// ---------------------------------------------------------------------------------------------
// Selecting a pod by its most specific labels
// ---------------------------------------------------------------------------------------------

/**
 * The fewest of the pod's labels that select the fewest pods of its namespace: greedily the label
 * that leaves the fewest, while adding one still narrows the set.
 */
export function specificLabels(cluster: Cluster, pod: Pod): Record<string, string> {
  const peers = cluster.pods.filter((p) => p.namespace === pod.namespace);
  const entries = Object.entries(pod.labels).sort(([a], [b]) => a.localeCompare(b));
  const chosen: [string, string][] = [];
  let count = peers.length;
  for (;;) {
    let best: { entry: [string, string]; n: number } | null = null;
    for (const entry of entries) {
      if (chosen.includes(entry)) continue;
      const trial = [...chosen, entry];
      const n = peers.filter((p) => trial.every(([k, v]) => p.labels[k] === v)).length;
      if (n < count && (!best || n < best.n)) best = { entry, n };
    }
    if (!best) break;
    chosen.push(best.entry);
    count = best.n;
  }
  return Object.fromEntries(chosen);
}

const calicoSelectorOf = (labels: Record<string, string>): string =>
  Object.keys(labels).length === 0
    ? 'all()'
    : Object.entries(labels)
        .map(([k, v]) => `${k} == '${v}'`)
        .join(' && ');

// ---------------------------------------------------------------------------------------------
// Rules in each dialect
// ---------------------------------------------------------------------------------------------

interface Sides {
  readonly direction: Direction;
  /** The endpoint whose policy dropped the packet. */
  readonly local: Pod;
  readonly probe: ResolvedProbe;
  readonly cluster: Cluster;
}

type PeerShape =
  { kind: 'pod'; namespace: string; labels: Record<string, string> } | { kind: 'ip'; cidr: string };

function peerShape(s: Sides): PeerShape {
  const peer = s.direction === 'ingress' ? s.probe.src : s.probe.dst;
  if (peer.kind === 'pod')
    return {
      kind: 'pod',
      namespace: peer.pod.namespace,
      labels: specificLabels(s.cluster, peer.pod),
    };
  return { kind: 'ip', cidr: `${s.direction === 'ingress' ? s.probe.srcIP : s.probe.dstIP}/32` };
}

function k8sRule(s: Sides, policyNamespace: string): unknown {
  const p = peerShape(s);
  const peer =
    p.kind === 'ip'
      ? { ipBlock: { cidr: p.cidr } }
      : {
          ...(p.namespace === policyNamespace
            ? {}
            : {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.namespace } },
              }),
          podSelector: Object.keys(p.labels).length ? { matchLabels: p.labels } : {},
        };
  return {
    [s.direction === 'ingress' ? 'from' : 'to']: [peer],
    ports: [{ protocol: s.probe.protocol, port: s.probe.port }],
  };
}

function ciliumRule(s: Sides, policyNamespace: string | undefined): unknown {
  const p = peerShape(s);
  const ingress = s.direction === 'ingress';
  const l3 =
    p.kind === 'ip'
      ? { [ingress ? 'fromCIDR' : 'toCIDR']: [p.cidr] }
      : {
          [ingress ? 'fromEndpoints' : 'toEndpoints']: [
            {
              matchLabels: {
                ...p.labels,
                // pkg/policy/api: a namespaced policy's endpoint selectors cover its own namespace
                // unless they name another (io.kubernetes.pod.namespace).
                ...(p.namespace === policyNamespace
                  ? {}
                  : { 'io.kubernetes.pod.namespace': p.namespace }),
              },
            },
          ],
        };
  const l4 =
    s.probe.protocol === 'ICMP'
      ? { icmps: [{ fields: [{ type: s.probe.icmp?.type ?? 8, family: 'IPv4' }] }] }
      : { toPorts: [{ ports: [{ port: String(s.probe.port), protocol: s.probe.protocol }] }] };
  return { ...l3, ...l4 };
}

function calicoRule(s: Sides, policyNamespace: string | undefined): unknown {
  const p = peerShape(s);
  const peer =
    p.kind === 'ip'
      ? { nets: [p.cidr] }
      : {
          selector: calicoSelectorOf(p.labels),
          ...(p.namespace === policyNamespace
            ? {}
            : { namespaceSelector: `kubernetes.io/metadata.name == '${p.namespace}'` }),
        };
  const ingress = s.direction === 'ingress';
  if (s.probe.protocol === 'ICMP') {
    const icmp = s.probe.icmp ?? { type: 8, code: 0 };
    return {
      action: 'Allow',
      protocol: 'ICMP',
      icmp: { type: icmp.type, code: icmp.code },
      ...(ingress ? { source: peer } : { destination: peer }),
    };
  }
  return {
    action: 'Allow',
    protocol: s.probe.protocol,
    ...(ingress
      ? { source: peer, destination: { ports: [s.probe.port] } }
      : { destination: { ...peer, ports: [s.probe.port] } }),
  };
}

// ---------------------------------------------------------------------------------------------
// Where the rule goes
// ---------------------------------------------------------------------------------------------

interface Target {
  readonly ref: ObjectRef;
  /** Path of the rule list in the object. */
  readonly path: readonly (string | number)[];
  /** Where in the list (absent: at the end). */
  readonly index?: number;
  readonly namespace: string | undefined;
}

const cap = (d: Direction) => (d === 'ingress' ? 'Ingress' : 'Egress');

/** The policies of the dialect that select the endpoint for the direction, the deciding one first. */
function candidates(
  engine: Engine,
  dialect: FixDialect,
  s: Sides,
  deciding: string | undefined,
  tier: string | undefined,
): Target[] {
  const { cluster, local, direction } = s;
  const list: Target[] = [];
  if (dialect === 'k8s') {
    for (const p of k8sPoliciesSelecting(cluster, local, direction))
      list.push({ ref: p.ref, path: ['spec', direction], namespace: p.namespace });
  } else if (dialect === 'cilium') {
    const ep = engine.cilium().index.endpointByPod.get(podKey(local));
    const by = new Set(ep?.enforcedBy[direction] ?? []);
    for (const p of cluster.ciliumPolicies) {
      if (p.clusterwide || !by.has(formatRef(p.ref))) continue;
      if (list.some((t) => formatRef(t.ref) === formatRef(p.ref))) continue;
      const spec = p.specIndex > 0 ? ['specs', p.specIndex] : ['spec'];
      list.push({ ref: p.ref, path: [...spec, direction], namespace: p.namespace });
    }
  } else {
    for (const p of cluster.calicoPolicies) {
      if (p.staged || !p.types.includes(direction) || (tier && p.tier !== tier)) continue;
      if (!isCalicoSelected(cluster, p, local)) continue;
      list.push({ ref: p.ref, path: ['spec', direction], namespace: p.namespace });
    }
  }
  return list.sort(
    (a, b) => Number(formatRef(b.ref) === deciding) - Number(formatRef(a.ref) === deciding),
  );
}

/** A name for a new policy, unused in the namespace. */
function newName(cluster: Cluster, s: Sides): string {
  const peer = s.direction === 'ingress' ? s.probe.src : s.probe.dst;
  const peerName = peer.kind === 'pod' ? peer.pod.name : 'external';
  const what = s.probe.protocol === 'ICMP' ? 'icmp' : String(s.probe.port);
  const base =
    s.direction === 'ingress'
      ? `allow-${peerName}-to-${s.local.name}-${what}`
      : `allow-${s.local.name}-egress-to-${peerName}-${what}`;
  const taken = new Set(
    [...cluster.k8sPolicies, ...cluster.ciliumPolicies, ...cluster.calicoPolicies]
      .filter((p) => p.ref.namespace === s.local.namespace)
      .map((p) => p.ref.name),
  );
  const short = base.slice(0, 240).replace(/[^a-z0-9.-]/g, '-');
  let name = short;
  for (let i = 2; taken.has(name); i++) name = `${short}-${i}`;
  return name;
}

function newPolicy(
  dialect: FixDialect,
  s: Sides,
  name: string,
  tier: string | undefined,
): { object: unknown; ref: ObjectRef; rule: string } {
  const ns = s.local.namespace;
  const labels = specificLabels(s.cluster, s.local);
  const metadata = { name, namespace: ns };
  const pos = { file: '', line: 0, column: 0 };
  const d = s.direction;
  if (dialect === 'k8s') {
    return {
      object: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata,
        spec: {
          podSelector: Object.keys(labels).length ? { matchLabels: labels } : {},
          policyTypes: [cap(d)],
          [d]: [k8sRule(s, ns)],
        },
      },
      ref: { kind: 'NetworkPolicy', namespace: ns, name, pos },
      rule: `spec.${d}[0]`,
    };
  }
  if (dialect === 'cilium') {
    return {
      object: {
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumNetworkPolicy',
        metadata,
        spec: { endpointSelector: { matchLabels: labels }, [d]: [ciliumRule(s, ns)] },
      },
      ref: { kind: 'CiliumNetworkPolicy', namespace: ns, name, pos },
      rule: `spec.${d}[0]`,
    };
  }
  return {
    object: {
      apiVersion: 'projectcalico.org/v3',
      kind: 'NetworkPolicy',
      metadata,
      spec: {
        ...(tier && tier !== 'default' ? { tier } : {}),
        selector: calicoSelectorOf(labels),
        types: [cap(d)],
        [d]: [calicoRule(s, ns)],
      },
    },
    ref: { kind: 'NetworkPolicy', namespace: ns, name, pos },
    rule: `spec.${d}[0]`,
  };
}

// ---------------------------------------------------------------------------------------------
// The fix
// ---------------------------------------------------------------------------------------------

const MAX_STEPS = 2;
/** Above this many probes the other connections are not listed (the diff would take too long). */
export const MAX_DIFF_PROBES = 40_000;

function load(text: string, name: string): { cluster: Cluster } | { error: string } {
  const { cluster, diagnostics } = loadManifests([{ name, text }]);
  const bad = diagnostics.find((d) => d.severity === 'error');
  return bad ? { error: `${bad.pos.line}:${bad.pos.column}: ${bad.message}` } : { cluster };
}

/** One step: a change to the file that allows the direction that dropped, or why there is none. */
function step(
  engine: Engine,
  text: string,
  request: FixRequest,
  dialect: FixDialect,
): { edit: TextEdit; change: FixChange } | { error: string } {
  const r = evaluateProbe(engine, request.probe);
  if (!r.ok) return { error: r.error };
  const v = r.verdict[request.cni];
  const ref = v.reference;
  if (ref.l7 && ref.l7.allowed === false)
    return {
      error: `${ref.l7.reason} A fix of the HTTP rules is not offered: allow the request in the policy's rules.http.`,
    };
  const direction: Direction | undefined =
    ref.egress && !ref.egress.allowed
      ? 'egress'
      : ref.ingress && !ref.ingress.allowed
        ? 'ingress'
        : undefined;
  if (!direction) return { error: `No policy direction dropped it: ${ref.reason}` };
  const peerLocal = direction === 'ingress' ? r.verdict.resolved.dst : r.verdict.resolved.src;
  if (peerLocal.kind !== 'pod') return { error: `The ${direction} side is not a pod.` };
  if (request.probe.protocol === 'ICMP' && dialect === 'k8s')
    return {
      error: 'A Kubernetes NetworkPolicy cannot name ICMP: choose the Cilium or Calico dialect.',
    };
  const s: Sides = {
    direction,
    local: peerLocal.pod,
    probe: r.verdict.resolved,
    cluster: engine.cluster,
  };
  const deciding = ref[direction]!;
  // Cilium: a deny entry wins over every allow (bpf/lib/policy.h), so no added rule can help.
  const model = v.model;
  if (request.cni === 'cilium' && model.trace.some((e) => e.kind === 'drop' && e.code === 181))
    return {
      error:
        `${deciding.reason} A deny rule wins over any allow in Cilium, so no added rule can allow it: narrow or remove ${deciding.policy ?? 'the deny rule'} ${deciding.rule ?? ''}`.trim(),
    };
  // Calico: the tier that dropped it (a rule's policy's tier, or the end-of-tier drop's).
  const policy = engine.cluster.calicoPolicies.find((p) => formatRef(p.ref) === deciding.policy);
  const tier =
    request.cni === 'calico'
      ? (policy?.tier ??
        (engine.cluster.k8sPolicies.some((p) => formatRef(p.ref) === deciding.policy)
          ? 'default'
          : undefined))
      : undefined;
  if (request.cni === 'calico' && dialect === 'k8s' && tier && tier !== 'default')
    return {
      error: `Tier ${tier} drops it before tier default, where Kubernetes NetworkPolicies are: choose the Calico dialect.`,
    };
  const denyIndex =
    request.cni === 'calico' &&
    deciding.rule &&
    policy &&
    dialectOfRef(deciding.policy) === 'calico'
      ? Number(/\[(\d+)\]$/.exec(deciding.rule)?.[1])
      : undefined;
  const targets = candidates(engine, dialect, s, deciding.policy, tier);
  const target = targets[0];
  if (target) {
    const rule =
      dialect === 'k8s'
        ? k8sRule(s, target.namespace!)
        : dialect === 'cilium'
          ? ciliumRule(s, target.namespace)
          : calicoRule(s, target.namespace);
    const isDeny = denyIndex !== undefined && formatRef(target.ref) === deciding.policy;
    const edit = addRule(text, target.ref, target.path, rule, isDeny ? denyIndex : undefined);
    if (!edit) return { error: `${formatRef(target.ref)} was not found in the text.` };
    const index = isDeny ? denyIndex! : listLength(target, engine.cluster, direction);
    const path = `${target.path
      .slice(0, -1)
      .join('.')
      .replace(/\.(\d+)/g, '[$1]')}.${direction}[${index}]`;
    return {
      edit,
      change: {
        kind: 'add-rule',
        direction,
        policy: formatRef(target.ref),
        rule: path,
        yaml: edit.object,
        summary: `Add ${path} to ${formatRef(target.ref)}${isDeny ? ` before its Deny rule ${deciding.rule}` : ''}: allow ${direction} ${describePeer(s)}.`,
      },
    };
  }
  const name = newName(engine.cluster, s);
  const made = newPolicy(dialect, s, name, tier);
  const edit = appendObject(text, made.object);
  return {
    edit,
    change: {
      kind: 'new-policy',
      direction,
      policy: formatRef(made.ref),
      rule: made.rule,
      yaml: edit.object,
      summary: `New ${formatRef(made.ref)} selecting ${podKey(s.local)} for ${direction}: allow ${describePeer(s)}.`,
    },
  };
}

function listLength(t: Target, cluster: Cluster, d: Direction): number {
  const name = formatRef(t.ref);
  const k = cluster.k8sPolicies.find((p) => formatRef(p.ref) === name);
  if (k) return k[d].length;
  const c = cluster.calicoPolicies.find((p) => formatRef(p.ref) === name);
  if (c) return c[d].length;
  const specIndex = typeof t.path[1] === 'number' ? t.path[1] : 0;
  const cp = cluster.ciliumPolicies.find(
    (p) => formatRef(p.ref) === name && p.specIndex === specIndex,
  );
  return cp?.[d]?.length ?? 0;
}

function describePeer(s: Sides): string {
  const p = peerShape(s);
  const what = s.probe.protocol === 'ICMP' ? 'ICMP' : `${s.probe.protocol} ${s.probe.port}`;
  const side = s.direction === 'ingress' ? 'from' : 'to';
  if (p.kind === 'ip') return `${what} ${side} ${p.cidr}`;
  const labels = Object.entries(p.labels).map(([k, v]) => `${k}=${v}`);
  return `${what} ${side} pods ${labels.length ? `labelled ${labels.join(', ')}` : '(any)'} in namespace ${p.namespace}`;
}

const connection = (p: Probe, cni: Cni): ConnectionChange => ({
  from: formatProbeEndpoint(p.from),
  to: formatProbeEndpoint(p.to),
  port: p.port,
  protocol: p.protocol,
  cni,
});

/** `calico shop/a -> shop/b 8080/TCP`. */
export const connectionKey = (c: ConnectionChange): string =>
  `${c.cni} ${c.from} -> ${c.to} ${c.protocol === 'ICMP' ? 'ICMP' : `${c.port}/${c.protocol}`}`;

/** Every pod pair and declared port of either cluster, each once (the first cluster's order first). */
function unionProbes(a: Cluster, b: Cluster): Probe[] {
  const seen = new Set<string>();
  const out: Probe[] = [];
  for (const p of [...defaultProbes(a), ...defaultProbes(b)]) {
    const key = connectionKey(connection(p, 'calico'));
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

/**
 * What changes between two clusters under each CNI, over every pod pair and declared port of
 * either (a probe one cluster cannot resolve, a pod only the other has, is left out).
 */
export function verdictDiff(
  before: Engine,
  after: Engine,
): { opened: ConnectionChange[]; closed: ConnectionChange[]; complete: boolean } {
  const opened: ConnectionChange[] = [];
  const closed: ConnectionChange[] = [];
  const probes = unionProbes(before.cluster, after.cluster);
  const complete = probes.length <= MAX_DIFF_PROBES;
  for (const p of complete ? probes : []) {
    const a = evaluateProbe(before, p);
    const b = evaluateProbe(after, p);
    if (!a.ok || !b.ok) continue;
    for (const cni of ['calico', 'cilium'] as const) {
      if (!a.verdict[cni].allowed && b.verdict[cni].allowed) opened.push(connection(p, cni));
      if (a.verdict[cni].allowed && !b.verdict[cni].allowed) closed.push(connection(p, cni));
    }
  }
  return { opened, closed, complete };
}

/** The smallest fix for a connection `request.cni` drops, verified, or why there is none. */
export function suggestFix(file: { name: string; text: string }, request: FixRequest): FixResult {
  const loaded = load(file.text, file.name);
  if ('error' in loaded) return fail(`${file.name}:${loaded.error}`);
  const before = createEngine(loaded.cluster);
  const first = evaluateProbe(before, request.probe);
  if (!first.ok) return fail(first.error);
  const verdict = first.verdict[request.cni];
  if (verdict.allowed) return fail(`${cniName(request.cni)} already allows it: ${verdict.reason}`);
  const deciding =
    verdict.reference.egress?.allowed === false
      ? verdict.reference.egress
      : verdict.reference.ingress;
  const decidingDialect = dialectOfRef(deciding?.policy);
  const dialect =
    request.dialect ??
    (decidingDialect && READ_BY[decidingDialect].includes(request.cni) ? decidingDialect : 'k8s');
  if (!READ_BY[dialect].includes(request.cni))
    return fail(
      `${cniName(request.cni)} does not read ${DIALECT_NAME[dialect]}: choose ${FIX_DIALECTS.filter(
        (d) => READ_BY[d].includes(request.cni),
      )
        .map((d) => DIALECT_NAME[d])
        .join(' or ')}.`,
    );

  let text = file.text;
  let engine = before;
  const changes: FixChange[] = [];
  for (let i = 0; i < MAX_STEPS; i++) {
    const s = step(engine, text, request, dialect);
    if ('error' in s) return fail(s.error);
    const next = load(s.edit.text, file.name);
    if ('error' in next)
      return fail(`The change does not load (${next.error}); this is a PacketWalk bug.`);
    // A second change to the same object replaces the first in the list: the object printed last is whole.
    const kept = changes.filter((c) => c.policy !== s.change.policy);
    changes.splice(0, changes.length, ...kept, s.change);
    text = s.edit.text;
    engine = createEngine(next.cluster);
    const after = evaluateProbe(engine, request.probe);
    if (!after.ok) return fail(after.error);
    if (after.verdict[request.cni].allowed) {
      const diff = verdictDiff(before, engine);
      const asked = connectionKey(connection(request.probe, request.cni));
      const others = (list: ConnectionChange[]) => list.filter((c) => connectionKey(c) !== asked);
      return {
        ok: true,
        cni: request.cni,
        dialect,
        changes,
        yaml: changes.map((c) => c.yaml).join('---\n'),
        text,
        opened: others(diff.opened),
        closed: diff.closed,
        listed: diff.complete,
      };
    }
    const stillSame = (d: Direction) => after.verdict[request.cni].reference[d]?.allowed === false;
    if (stillSame(s.change.direction))
      return fail(`Adding the rule does not allow it: ${after.verdict[request.cni].reason}`);
  }
  return fail('No change of one rule per direction allows it.');
}

const cniName = (cni: Cni) => (cni === 'calico' ? 'Calico' : 'Cilium');
