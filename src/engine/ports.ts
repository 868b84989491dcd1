/**
 * Port matching shared by the dialects: numbers, ranges (`endPort`) and named ports.
 */
import type { ContainerPort, Pod, PortSpec, ProbeProtocol, Protocol } from './model';

/**
 * The container port of `pod` called `name`. A named port in a policy resolves against the
 * destination pod's container ports by name and, when the policy gives one, protocol (Kubernetes
 * NetworkPolicy: "a named port on a pod"; the port's protocol must match the rule's).
 */
export function namedPort(pod: Pod, name: string, protocol?: Protocol): ContainerPort | undefined {
  return pod.ports.find(
    (p) => p.name === name && (protocol === undefined || p.protocol === protocol),
  );
}

/**
 * Whether a Kubernetes NetworkPolicy port clause admits `port`/`protocol` towards `dstPod`. A named
 * port needs a destination pod that declares it; towards an address outside the cluster it matches
 * nothing. An ICMP packet never matches a port clause: NetworkPolicyPort's protocol is TCP, UDP or
 * SCTP (k8s.io/api networking/v1 types.go), so only a rule without `ports` ("matches all ports",
 * i.e. every protocol) admits ICMP.
 */
export function k8sPortMatches(
  spec: PortSpec,
  port: number,
  protocol: ProbeProtocol,
  dstPod: Pod | undefined,
): boolean {
  if (spec.protocol !== protocol) return false;
  if (spec.port === undefined) return true;
  if (typeof spec.port === 'string') {
    if (!dstPod) return false;
    const resolved = namedPort(dstPod, spec.port, spec.protocol);
    return resolved !== undefined && resolved.port === port;
  }
  const end = spec.endPort ?? spec.port;
  return port >= spec.port && port <= end;
}

export function formatPortSpec(spec: PortSpec): string {
  const port =
    spec.port === undefined
      ? 'any port'
      : spec.endPort !== undefined
        ? `ports ${spec.port}-${spec.endPort}`
        : `port ${spec.port}`;
  return `${spec.protocol} ${port}`;
}
