/**
 * What every kind's parser shares: the per-object context, the collection the parsers fill, and the
 * name and port validations the Kubernetes API server applies (apimachinery
 * `pkg/util/validation/validation.go`), with messages worded like the API server's.
 */
import { parseCidr, type Cidr } from '../cidr';
import type { Labels } from '../labels';
import type {
  CalicoNetworkSet,
  CalicoPolicy,
  CalicoTier,
  CiliumPolicy,
  ContainerPort,
  K8sNetworkPolicy,
  ObjectRef,
  ServiceAccount,
  ServicePort,
  SourcePos,
} from '../model';
import { isPlainMap, NO_OPTIONS, unknownFieldMessage, type Reader } from './reader';
import { lineStarts as lineStartsOf } from './fastYaml';
import { childPath } from './yaml';

/** One manifest object being parsed. */
export interface ObjectContext {
  readonly r: Reader;
  readonly ref: ObjectRef;
  /** The source lines of the file, to find where a value (not its key) starts. */
  readonly lines: SourceLines;
}

/** The lines of a file, as `text.split(/\r?\n/)` gives them, cut out one at a time when asked. */
export interface SourceLines {
  readonly count: number;
  /** The line at a 0-based index, without its line break; undefined past the end. */
  at(index: number): string | undefined;
}

/**
 * The lines of `text` without splitting it: a file of 10,000 policies has 200,000 lines, and a
 * parser reads one now and then (a selector's column).
 */
export function sourceLines(text: string): SourceLines {
  let starts: Int32Array | undefined;
  const lineStarts = (): Int32Array => (starts ??= lineStartsOf(text));
  return {
    get count() {
      return lineStarts().length;
    },
    at(index) {
      const all = lineStarts();
      if (index < 0 || index >= all.length) return undefined;
      const start = all[index]!;
      if (index + 1 === all.length) return text.slice(start);
      const end = all[index + 1]! - 1;
      return text.slice(start, end > start && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end);
    },
  };
}

// Parsed forms of the core objects, before assembly fills in what the manifests left out.

export interface ParsedNamespace {
  readonly ref: ObjectRef;
  readonly name: string;
  readonly labels: Labels;
}

export interface ParsedNode {
  readonly ref: ObjectRef;
  readonly name: string;
  readonly labels: Labels;
  readonly internalIP?: string;
  readonly ipPos: SourcePos;
  readonly podCIDR?: Cidr;
  readonly podCIDRPos: SourcePos;
}

export interface ParsedPod {
  readonly ref: ObjectRef;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly nodeName?: string;
  readonly nodeNamePos: SourcePos;
  readonly ip?: string;
  readonly ipPos: SourcePos;
  /** `status.hostIP`: the address of the pod's node, as the kubelet reports it. */
  readonly hostIP?: string;
  readonly hostIPPos: SourcePos;
  readonly ports: readonly ContainerPort[];
  readonly serviceAccount: string;
  readonly serviceAccountPos: SourcePos;
}

export interface ParsedService {
  readonly ref: ObjectRef;
  readonly namespace: string;
  readonly name: string;
  /** `undefined` when the manifest has none (assembly assigns one); `None` for headless. */
  readonly clusterIP?: string;
  readonly clusterIPPos: SourcePos;
  readonly selector: Labels | null;
  readonly ports: readonly ServicePort[];
}

export interface ParsedCalicoPolicy {
  readonly policy: CalicoPolicy;
  /** Where the tier is named (`spec.tier`, else the spec), for "no such tier" errors. */
  readonly tierPos: SourcePos;
  readonly tierExplicit: boolean;
}

/** A namespaced object's namespace, in the order the objects came, to imply missing Namespaces. */
export interface NamespaceUse {
  readonly namespace: string;
  readonly object: string;
  /**
   * Where the namespace is written, found only for a warning (fieldPos.ts): it keeps the
   * document's positions, not its values, so that a document's values die young.
   */
  readonly pos: SourcePos;
}

/** Everything the parsers found, in manifest order. */
export interface Collected {
  readonly namespaces: ParsedNamespace[];
  readonly nodes: ParsedNode[];
  readonly pods: ParsedPod[];
  readonly services: ParsedService[];
  readonly serviceAccounts: ServiceAccount[];
  readonly k8sPolicies: K8sNetworkPolicy[];
  readonly ciliumPolicies: CiliumPolicy[];
  readonly calicoPolicies: ParsedCalicoPolicy[];
  readonly calicoTiers: CalicoTier[];
  readonly calicoNetworkSets: CalicoNetworkSet[];
  readonly namespaceUses: NamespaceUse[];
}

export const emptyCollected = (): Collected => ({
  namespaces: [],
  nodes: [],
  pods: [],
  services: [],
  serviceAccounts: [],
  k8sPolicies: [],
  ciliumPolicies: [],
  calicoPolicies: [],
  calicoTiers: [],
  calicoNetworkSets: [],
  namespaceUses: [],
});

// ---------------------------------------------------------------------------------------------
// Names (apimachinery validation: IsDNS1123Subdomain, IsDNS1123Label, IsDNS1035Label)
// ---------------------------------------------------------------------------------------------

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function dns1123SubdomainProblem(name: string): string | null {
  if (name.length > 253) return 'must be no more than 253 characters';
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')`;
  }
  return null;
}

export function dns1123LabelProblem(name: string): string | null {
  if (name.length > 63) return 'must be no more than 63 characters';
  if (!DNS1123_LABEL.test(name)) {
    return `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name')`;
  }
  return null;
}

export function dns1035LabelProblem(name: string): string | null {
  if (name.length > 63) return 'must be no more than 63 characters';
  if (!DNS1035_LABEL.test(name)) {
    return `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name')`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Ports (apimachinery IsValidPortNum, IsValidPortName: the IANA_SVC_NAME rules of RFC 6335)
// ---------------------------------------------------------------------------------------------

export function portNumberProblem(port: number): string | null {
  return Number.isInteger(port) && port >= 1 && port <= 65535
    ? null
    : 'must be between 1 and 65535, inclusive';
}

/** Every reason `name` is not an IANA service name, as IsValidPortName lists them. */
export function portNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length > 15) problems.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(name)) {
    problems.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  }
  if (!/[a-z]/.test(name)) problems.push('must contain at least one letter (a-z)');
  if (name.includes('--')) problems.push('must not contain consecutive hyphens');
  if (name.startsWith('-') || name.endsWith('-')) {
    problems.push('must not begin or end with a hyphen');
  }
  return problems;
}

/** Reports an IANA_SVC_NAME problem at `path`; true when the name is valid. */
export function checkPortName(r: Reader, path: string, name: string): boolean {
  const problems = portNameProblems(name);
  if (problems.length > 0) r.error(path, `Invalid value: "${name}": ${problems.join(', ')}`);
  return problems.length === 0;
}

// ---------------------------------------------------------------------------------------------
// Helpers on top of the Reader
// ---------------------------------------------------------------------------------------------

/**
 * Warns about keys outside `allowed` in the parts of objects PacketWalk skims (`what` names the
 * API type, e.g. PodSpec), with the same message and "did you mean" as `Reader.keys`.
 */
export function warnUnknownKeys(
  r: Reader,
  path: string,
  allowed: readonly string[],
  what: string,
): void {
  const v = r.get(path);
  if (!isPlainMap(v)) return;
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) {
      r.warn(childPath(path, key), `${what}: ${unknownFieldMessage(key, allowed)}`);
    }
  }
}

/** The entries of a list of maps, with their paths; reports entries that are not maps. */
export function mapItems(
  r: Reader,
  path: string,
  opts: { nullIsEmpty?: boolean } = NO_OPTIONS,
): { path: string; index: number; value: Record<string, unknown> }[] | null {
  const list = r.list(path);
  if (!list) return null;
  const out: { path: string; index: number; value: Record<string, unknown> }[] = [];
  for (let index = 0; index < list.length; index++) {
    const item = list[index];
    const p = childPath(path, index);
    // A `- ` entry decodes to a zero-valued struct in Go: for rule lists that is `{}`.
    if ((item === null || item === undefined) && opts.nullIsEmpty) {
      out.push({ path: p, index, value: {} });
      continue;
    }
    // The item is in hand: the reader is asked only to say what is wrong with it.
    if (isPlainMap(item)) out.push({ path: p, index, value: item });
    else r.map(p, { required: true });
  }
  return out;
}

/**
 * Where a map entry's value starts, given where its key starts. The YAML index points fields at
 * their keys; a selector error needs the value's column. Handles plain and quoted keys and values,
 * flow mappings, and values that start on the next line (block scalars). Inside a double-quoted
 * value with escapes, columns after the first escape are approximate.
 */
export function valueStart(lines: SourceLines, key: SourcePos): SourcePos {
  const line = lines.at(key.line - 1);
  if (line === undefined) return key;
  let i = key.column - 1;
  const quote = line[i];
  if (quote === '"' || quote === "'") {
    i++;
    while (i < line.length && line[i] !== quote) i += line[i] === '\\' && quote === '"' ? 2 : 1;
    i++;
  }
  while (
    i < line.length &&
    !(line[i] === ':' && (i + 1 >= line.length || /\s/.test(line[i + 1]!)))
  ) {
    i++;
  }
  if (line[i] !== ':') return key;
  i++;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  const c = line[i];
  if (c === undefined || c === '#' || c === '|' || c === '>') {
    for (let n = key.line; n < lines.count; n++) {
      const next = lines.at(n)!;
      const first = next.search(/\S/);
      if (first >= 0 && next[first] !== '#') return { ...key, line: n + 1, column: first + 1 };
    }
    return key;
  }
  if (c === '"' || c === "'") return { ...key, column: i + 2 };
  return { ...key, column: i + 1 };
}

/**
 * A note at `path` that a CIDR written with host bits set means its network: `who` (the API or
 * CNI that accepts it) masks them, so `192.168.242.213/24` matches all of 192.168.242.0/24, not
 * one address. A warning, never an error: the object loads as stored.
 */
export function noteHostBits(r: Reader, path: string, text: string, c: Cidr, who: string): void {
  const addr = text.trim().split('/')[0];
  r.warn(
    path,
    `"${text}" means ${c.text}: its host bits are set and ${who} masks them (for the single address ${addr}, write ${addr}/32)`,
  );
}

/**
 * A CIDR that may be IPv6: PacketWalk models IPv4 only, so callers drop IPv6 entries (with a
 * warning) where the real CNI would only apply them to IPv6 traffic. `undefined` = reported error.
 * `hostBitsAcceptedBy`: host bits are accepted and masked, with a note naming who masks them.
 */
export function cidrOrIPv6(
  r: Reader,
  path: string,
  opts: { required?: boolean; hostBitsAcceptedBy?: string } = NO_OPTIONS,
): Cidr | 'ipv6' | undefined {
  const text = r.string(path, opts);
  if (text === undefined) return undefined;
  if (text.includes(':')) return 'ipv6';
  const parsed = parseCidr(text, { allowHostBits: opts.hostBitsAcceptedBy !== undefined });
  if (!parsed.ok) {
    r.error(path, parsed.error);
    return undefined;
  }
  if (parsed.hostBits) noteHostBits(r, path, text, parsed.cidr, opts.hostBitsAcceptedBy!);
  return parsed.cidr;
}
