/**
 * Choosing a packet by pointing: what a click on a pod, a Service or "outside" does to the packet,
 * and the port that follows a new destination. Pure functions over the cluster, so the packet
 * popover's selects and the clicks on the drawing take the same port.
 */
import { podKey } from '../engine/cluster';
import type { Cluster, Protocol } from '../engine/model';

/** What choosing a packet reads of the cluster. */
type Targets = Pick<Cluster, 'pods' | 'services'>;
import type { PacketChoice } from '../store';

/** A destination as the packet names it: `ns/pod`, `svc:ns/name` or `ip:a.b.c.d`. */
export type Target = string;

/** The ports a destination declares, in order: a pod's container ports or a Service's own ports. */
export function declaredPorts(
  cluster: Targets,
  to: Target,
): readonly { readonly port: number; readonly protocol: Protocol }[] {
  if (to.startsWith('ip:')) return [];
  if (to.startsWith('svc:')) {
    const key = to.slice(4);
    const svc = cluster.services.find((s) => `${s.namespace}/${s.name}` === key);
    return (svc?.ports ?? []).map((p) => ({ port: p.port, protocol: p.protocol }));
  }
  const key = to.startsWith('pod:') ? to.slice(4) : to;
  const pod = cluster.pods.find((p) => podKey(p) === key);
  return (pod?.ports ?? []).map((p) => ({ port: p.port, protocol: p.protocol }));
}

/**
 * The packet sent to a new destination. The port follows it: kept when the destination declares the
 * same port and protocol, otherwise its first declared port (a Service's own port, not the pod's);
 * an address outside the cluster declares nothing, so the port stays.
 */
export function withDestination(cluster: Targets, packet: PacketChoice, to: Target): PacketChoice {
  // ICMP has no port to follow the destination: it stays ICMP, with its type and code.
  if (packet.protocol === 'ICMP') return { ...packet, to };
  const ports = declaredPorts(cluster, to);
  const same = ports.find((p) => p.port === packet.port && p.protocol === packet.protocol);
  const first = same ?? ports[0];
  const next: PacketChoice = first
    ? { ...packet, to, port: first.port, protocol: first.protocol }
    : { ...packet, to };
  // HTTP rides on TCP only.
  return next.protocol === 'TCP' || !next.http ? next : { ...next, http: undefined };
}

/** The packet from a new source; the destination and its port stay. */
export function withSource(packet: PacketChoice, from: string): PacketChoice {
  return { ...packet, from: from.startsWith('pod:') ? from.slice(4) : from };
}

/** Whether a clicked thing can be a source (only pods send packets here). */
export const isPodTarget = (target: Target): boolean =>
  !target.startsWith('svc:') && !target.startsWith('ip:');

/** How a target reads in the status line. */
export function targetName(target: Target): string {
  if (target.startsWith('svc:')) return `the Service ${target.slice(4)}`;
  if (target.startsWith('ip:')) return `${target.slice(3)} (outside the cluster)`;
  return target.startsWith('pod:') ? target.slice(4) : target;
}

/** The two clicks of choosing a packet on the drawing: a source, then a destination. */
export type Picking =
  { readonly phase: 'source' } | { readonly phase: 'destination'; readonly from: string };

export interface PickResult {
  readonly picking: Picking;
  /** The packet to send now, when the click changed it. */
  readonly packet?: PacketChoice;
}

/**
 * A click on the drawing: in the source phase a pod becomes the source to be (a Service or an
 * outside address cannot send, so it is ignored); in the destination phase anything becomes the
 * destination and the packet is sent from the chosen source, and the next click picks a source
 * again. The packet changes once, on the second click, so the drawing (which shows the pods on the
 * current path) stays put between the two clicks.
 */
export function pick(
  cluster: Targets,
  packet: PacketChoice,
  picking: Picking,
  target: Target,
): PickResult {
  if (picking.phase === 'source') {
    if (!isPodTarget(target)) return { picking };
    return { picking: { phase: 'destination', from: withSource(packet, target).from } };
  }
  const from = withSource(packet, picking.from);
  return { picking: { phase: 'source' }, packet: withDestination(cluster, from, target) };
}

/** What the status line says the next click does. */
export function pickingHint(picking: Picking): string {
  return picking.phase === 'source'
    ? 'Click a pod in a topology to make it the source.'
    : `Source: ${picking.from}. Click a destination: a pod, a Service or outside the cluster (Esc cancels).`;
}

/** The packet in one line: `shop/frontend → shop/backend :8080/TCP`. */
export function packetLine(packet: PacketChoice | null): string {
  if (!packet) return 'none yet';
  const to = packet.to.startsWith('svc:')
    ? `${packet.to.slice(4)} (Service)`
    : packet.to.startsWith('ip:') || packet.to.startsWith('pod:')
      ? packet.to.slice(packet.to.indexOf(':') + 1)
      : packet.to;
  return `${packet.from} → ${to} :${packet.port}/${packet.protocol}${packet.http ? ` ${packet.http.method} ${packet.http.path}` : ''}`;
}
