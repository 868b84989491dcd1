/**
 * Core v1 kinds: Namespace, Node, Pod, Service, ServiceAccount. Only the fields the engine uses are
 * read. Unknown fields in the parts that hold structure (container ports, Service ports, Node
 * addresses) and in the spec's own top level get a warning with "did you mean", and are dropped as
 * the API server drops them (reader.ts `unknownFieldMessage`): a typo there changes a verdict, so
 * the student must see it, but a valid manifest is never refused. The rest of each object (images,
 * resources, probes, annotations, status…) is valid Kubernetes that PacketWalk simply ignores.
 *
 * Field lists: Kubernetes API reference, core/v1 PodSpec, Container, ContainerPort, ServiceSpec,
 * ServicePort, NodeSpec, NodeAddress (kubernetes.io/docs/reference/kubernetes-api/).
 */
import { isIPv4 } from '../cidr';
import type { ContainerPort, ServicePort, SourcePos } from '../model';
import {
  checkPortName,
  cidrOrIPv6,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  mapItems,
  portNumberProblem,
  warnUnknownKeys,
  type Collected,
  type ObjectContext,
} from './common';
import { childPath } from './yaml';

const POD_SPEC_FIELDS = [
  'activeDeadlineSeconds',
  'affinity',
  'automountServiceAccountToken',
  'containers',
  'dnsConfig',
  'dnsPolicy',
  'enableServiceLinks',
  'ephemeralContainers',
  'hostAliases',
  'hostIPC',
  'hostNetwork',
  'hostPID',
  'hostUsers',
  'hostname',
  'hostnameOverride',
  'imagePullSecrets',
  'initContainers',
  'nodeName',
  'nodeSelector',
  'os',
  'overhead',
  'preemptionPolicy',
  'priority',
  'priorityClassName',
  'readinessGates',
  'resourceClaims',
  'resources',
  'restartPolicy',
  'runtimeClassName',
  'schedulerName',
  'schedulingGates',
  'securityContext',
  'serviceAccount',
  'serviceAccountName',
  'setHostnameAsFQDN',
  'shareProcessNamespace',
  'subdomain',
  'terminationGracePeriodSeconds',
  'tolerations',
  'topologySpreadConstraints',
  'volumes',
];

const CONTAINER_FIELDS = [
  'args',
  'command',
  'env',
  'envFrom',
  'image',
  'imagePullPolicy',
  'lifecycle',
  'livenessProbe',
  'name',
  'ports',
  'readinessProbe',
  'resizePolicy',
  'resources',
  'restartPolicy',
  'restartPolicyRules',
  'securityContext',
  'startupProbe',
  'stdin',
  'stdinOnce',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'tty',
  'volumeDevices',
  'volumeMounts',
  'workingDir',
];

const CONTAINER_PORT_FIELDS = ['containerPort', 'hostIP', 'hostPort', 'name', 'protocol'];

const SERVICE_SPEC_FIELDS = [
  'allocateLoadBalancerNodePorts',
  'clusterIP',
  'clusterIPs',
  'externalIPs',
  'externalName',
  'externalTrafficPolicy',
  'healthCheckNodePort',
  'internalTrafficPolicy',
  'ipFamilies',
  'ipFamilyPolicy',
  'loadBalancerClass',
  'loadBalancerIP',
  'loadBalancerSourceRanges',
  'ports',
  'publishNotReadyAddresses',
  'selector',
  'sessionAffinity',
  'sessionAffinityConfig',
  'trafficDistribution',
  'type',
];

const SERVICE_PORT_FIELDS = ['appProtocol', 'name', 'nodePort', 'port', 'protocol', 'targetPort'];

const NODE_SPEC_FIELDS = [
  'configSource',
  'externalID',
  'podCIDR',
  'podCIDRs',
  'providerID',
  'taints',
  'unschedulable',
];

const NODE_ADDRESS_FIELDS = ['address', 'type'];
const NODE_ADDRESS_TYPES = ['Hostname', 'InternalIP', 'ExternalIP', 'InternalDNS', 'ExternalDNS'];

export function parseNamespace(ctx: ObjectContext, out: Collected): void {
  const { r, ref } = ctx;
  out.namespaces.push({ ref, name: ref.name, labels: r.labels('metadata.labels') });
}

export function parseServiceAccount(ctx: ObjectContext, out: Collected): void {
  const { r, ref } = ctx;
  out.serviceAccounts.push({
    ref,
    namespace: ref.namespace!,
    name: ref.name,
    labels: r.labels('metadata.labels'),
    implied: false,
  });
}

export function parseNode(ctx: ObjectContext, out: Collected): void {
  const { r, ref } = ctx;
  const labels = { ...r.labels('metadata.labels') };
  // The kubelet sets `kubernetes.io/hostname` on its Node (kubernetes.io/docs/reference/labels-
  // annotations-taints/#kubernetesiohostname); its value is the host name, the node name by default.
  if (!('kubernetes.io/hostname' in labels)) labels['kubernetes.io/hostname'] = ref.name;

  r.map('spec');
  warnUnknownKeys(r, 'spec', NODE_SPEC_FIELDS, 'NodeSpec');
  let podCIDR = cidrOrIPv6(r, 'spec.podCIDR');
  let podCIDRPos = r.fieldPos('spec.podCIDR');
  if (podCIDR === undefined && !r.has('spec.podCIDR')) {
    // `spec.podCIDRs` lists one range per IP family; take the IPv4 one.
    const list = r.strings('spec.podCIDRs') ?? [];
    for (let i = 0; i < list.length && podCIDR === undefined; i++) {
      const c = cidrOrIPv6(r, childPath('spec.podCIDRs', i));
      if (c !== 'ipv6' && c !== undefined) {
        podCIDR = c;
        podCIDRPos = r.fieldPos(childPath('spec.podCIDRs', i));
      }
    }
  }
  if (podCIDR === 'ipv6') {
    r.warn('spec.podCIDR', 'an IPv6 podCIDR: PacketWalk models IPv4 only, so it assigns one');
    podCIDR = undefined;
  }

  let internalIP: string | undefined;
  let ipPos = r.fieldPos('status.addresses');
  for (const item of mapItems(r, 'status.addresses') ?? []) {
    r.keys(item.path, NODE_ADDRESS_FIELDS);
    const type = r.oneOf(childPath(item.path, 'type'), NODE_ADDRESS_TYPES, { required: true });
    const address = r.string(childPath(item.path, 'address'), { required: true });
    if (type !== 'InternalIP' || address === undefined) continue;
    if (isIPv4(address)) {
      if (internalIP === undefined) {
        internalIP = address;
        ipPos = r.fieldPos(childPath(item.path, 'address'));
      }
    } else if (address.includes(':')) {
      r.warn(childPath(item.path, 'address'), 'an IPv6 InternalIP: PacketWalk models IPv4 only');
    } else {
      r.error(childPath(item.path, 'address'), `"${address}" is not a valid IPv4 address`);
    }
  }

  out.nodes.push({
    ref,
    name: ref.name,
    labels,
    ...(internalIP !== undefined ? { internalIP } : {}),
    ipPos,
    ...(podCIDR !== undefined ? { podCIDR } : {}),
    podCIDRPos,
  });
}

export function parsePod(ctx: ObjectContext, out: Collected): void {
  const { r, ref } = ctx;
  const labels = r.labels('metadata.labels');
  const spec = r.map('spec');
  warnUnknownKeys(r, 'spec', POD_SPEC_FIELDS, 'PodSpec');

  const nodeName = r.string('spec.nodeName');
  if (nodeName !== undefined) {
    const problem = dns1123SubdomainProblem(nodeName);
    if (problem) r.error('spec.nodeName', `Invalid value: "${nodeName}": ${problem}`);
  }
  // `serviceAccount` is the deprecated alias of `serviceAccountName` (PodSpec reference).
  const saPath = r.has('spec.serviceAccountName')
    ? 'spec.serviceAccountName'
    : 'spec.serviceAccount';
  const serviceAccount = r.string(saPath) ?? 'default';
  if (r.has(saPath)) {
    const problem = dns1123SubdomainProblem(serviceAccount);
    if (problem) r.error(saPath, `Invalid value: "${serviceAccount}": ${problem}`);
  }
  if (r.bool('spec.hostNetwork')) {
    r.warn(
      'spec.hostNetwork',
      "a host-network pod uses its node's address; PacketWalk models it as an ordinary pod with its own IP",
    );
  }

  const ports: ContainerPort[] = [];
  const seenNames = new Map<string, string>();
  const containers = mapItems(r, 'spec.containers');
  if (spec && (!containers || containers.length === 0)) {
    r.warn('spec.containers', 'a Pod needs at least one container (the API server requires one)');
  }
  for (const c of containers ?? []) {
    warnUnknownKeys(r, c.path, CONTAINER_FIELDS, 'Container');
    for (const p of mapItems(r, childPath(c.path, 'ports')) ?? []) {
      const port = parseContainerPort(ctx, p.path, seenNames);
      if (port) ports.push(port);
    }
  }

  const pod = statusIPv4(r, 'podIP', 'podIPs', 'pod IP');
  // The kubelet reports its node's address as `status.hostIP` (and `hostIPs`, one per family).
  const host = statusIPv4(r, 'hostIP', 'hostIPs', 'host IP');

  out.pods.push({
    ref,
    namespace: ref.namespace!,
    name: ref.name,
    labels,
    ...(nodeName !== undefined && nodeName !== '' ? { nodeName } : {}),
    nodeNamePos: r.fieldPos('spec.nodeName'),
    ...(pod.ip !== undefined ? { ip: pod.ip } : {}),
    ipPos: pod.pos,
    ...(host.ip !== undefined ? { hostIP: host.ip } : {}),
    hostIPPos: host.pos,
    ports,
    serviceAccount,
    serviceAccountPos: r.fieldPos(saPath),
  });
}

/**
 * The first IPv4 address of a pod status field and its plural list (`podIP` and `podIPs[].ip`,
 * `hostIP` and `hostIPs[].ip`), with where it is written; IPv6 ones are skipped with a warning.
 */
function statusIPv4(
  r: ObjectContext['r'],
  single: string,
  plural: string,
  what: string,
): { ip?: string; pos: SourcePos } {
  let ip: string | undefined;
  let pos = r.fieldPos(`status.${single}`);
  const text = r.string(`status.${single}`);
  const candidates: { text: string; path: string }[] = [];
  if (text !== undefined) candidates.push({ text, path: `status.${single}` });
  for (const item of mapItems(r, `status.${plural}`) ?? []) {
    const t = r.string(childPath(item.path, 'ip'));
    if (t !== undefined) candidates.push({ text: t, path: childPath(item.path, 'ip') });
  }
  for (const c of candidates) {
    if (isIPv4(c.text)) {
      if (ip === undefined) {
        ip = c.text;
        pos = r.fieldPos(c.path);
      }
    } else if (c.text.includes(':')) {
      r.warn(c.path, `an IPv6 ${what}: PacketWalk models IPv4 only`);
    } else {
      r.error(c.path, `"${c.text}" is not a valid IPv4 address`);
    }
  }
  return ip !== undefined ? { ip, pos } : { pos };
}

function parseContainerPort(
  ctx: ObjectContext,
  path: string,
  /** The path of each port name seen in the pod, by name. */
  seenNames: Map<string, string>,
): ContainerPort | undefined {
  const { r } = ctx;
  r.keys(path, CONTAINER_PORT_FIELDS);
  const portPath = childPath(path, 'containerPort');
  const port = r.int(portPath, { required: true });
  if (port !== undefined) {
    const problem = portNumberProblem(port);
    if (problem) r.error(portPath, `Invalid value: ${port}: ${problem}`);
  }
  const protocol = r.protocol(childPath(path, 'protocol'));
  const namePath = childPath(path, 'name');
  const name = r.string(namePath);
  let validName = name !== undefined && checkPortName(r, namePath, name);
  if (name !== undefined && validName) {
    const firstPath = seenNames.get(name);
    if (firstPath !== undefined) {
      const first = r.posOf(firstPath);
      // ValidatePodSpec: container port names must be unique across the pod's containers.
      r.error(
        namePath,
        `Duplicate value: "${name}" (already used at ${first.line}:${first.column})`,
      );
      validName = false;
    } else {
      seenNames.set(name, namePath);
    }
  }
  if (port === undefined || portNumberProblem(port) || protocol === undefined) return undefined;
  return validName ? { name: name!, port, protocol } : { port, protocol };
}

export function parseService(ctx: ObjectContext, out: Collected): void {
  const { r, ref } = ctx;
  r.map('spec');
  warnUnknownKeys(r, 'spec', SERVICE_SPEC_FIELDS, 'ServiceSpec');
  const type = r.oneOf('spec.type', ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);
  if (type === 'ExternalName') {
    r.warn(
      'spec.type',
      'an ExternalName Service is a DNS alias with no cluster IP or endpoints; PacketWalk skips it',
    );
    return;
  }

  let clusterIP: string | undefined;
  let clusterIPPath = 'spec.clusterIP';
  let text = r.string('spec.clusterIP');
  if (text === undefined || text === '') {
    const ips = r.strings('spec.clusterIPs') ?? [];
    const v4 = ips.findIndex((ip) => ip === 'None' || isIPv4(ip));
    if (v4 >= 0) {
      text = ips[v4];
      clusterIPPath = childPath('spec.clusterIPs', v4);
    }
  }
  if (text !== undefined && text !== '') {
    if (text === 'None' || isIPv4(text)) clusterIP = text;
    else if (text.includes(':'))
      r.warn(clusterIPPath, 'an IPv6 clusterIP: PacketWalk models IPv4 only');
    else r.error(clusterIPPath, `Invalid value: "${text}": must be a valid IP address or "None"`);
  }

  const selector = r.has('spec.selector') ? r.labels('spec.selector') : null;

  const ports: ServicePort[] = [];
  const items = mapItems(r, 'spec.ports') ?? [];
  const names = new Set<string>();
  for (const item of items) {
    r.keys(item.path, SERVICE_PORT_FIELDS);
    const portPath = childPath(item.path, 'port');
    const port = r.int(portPath, { required: true });
    if (port !== undefined && portNumberProblem(port)) {
      r.error(portPath, `Invalid value: ${port}: ${portNumberProblem(port)}`);
    }
    const protocol = r.protocol(childPath(item.path, 'protocol'));
    const namePath = childPath(item.path, 'name');
    const name = r.string(namePath);
    // ValidateService: with more than one port every port needs a unique DNS-1123 label name.
    if (name === undefined && items.length > 1) {
      r.error(namePath, 'Required value: a name is required when a Service has more than one port');
    } else if (name !== undefined) {
      const problem = dns1123LabelProblem(name);
      if (problem) r.error(namePath, `Invalid value: "${name}": ${problem}`);
      if (names.has(name)) r.error(namePath, `Duplicate value: "${name}"`);
      names.add(name);
    }
    const targetPath = childPath(item.path, 'targetPort');
    const target = r.get(targetPath);
    let targetPort: number | string | undefined = port;
    if (typeof target === 'number') {
      const problem = portNumberProblem(target);
      if (problem) r.error(targetPath, `Invalid value: ${target}: ${problem}`);
      else targetPort = target;
    } else if (typeof target === 'string') {
      if (checkPortName(r, targetPath, target)) targetPort = target;
    } else if (target !== undefined && target !== null) {
      r.error(targetPath, 'must be a port number or a port name');
    }
    if (port === undefined || portNumberProblem(port) || protocol === undefined) continue;
    ports.push({
      ...(name !== undefined ? { name } : {}),
      port,
      targetPort: targetPort ?? port,
      protocol,
    });
  }

  out.services.push({
    ref,
    namespace: ref.namespace!,
    name: ref.name,
    ...(clusterIP !== undefined ? { clusterIP } : {}),
    clusterIPPos: r.fieldPos(clusterIPPath),
    selector,
    ports,
  });
}
