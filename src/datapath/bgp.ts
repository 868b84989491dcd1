/**
 * Calico's BGP control plane for a cluster and a peering mode: who peers with whom, under which
 * BIRD protocol name, in which AS. Sources: confd/tests/compiled_templates (mesh peers are
 * `protocol bgp Mesh_<ip with _>`, explicit BGPPeer peers `Node_<ip>` or `Global_<ip>`, `local as
 * 64512` by default, TCP 179); docs.tigera.io/calico/latest/networking/configuring/bgp (full mesh
 * by default, route reflectors via routeReflectorClusterID with the mesh disabled, ToR peers via a
 * BGPPeer with a nodeSelector); docs.tigera.io/calico/latest/reference/architecture/design/
 * l3-interconnect-fabric ("AS per rack": a rack's nodes share their ToR's AS and peer with it over
 * iBGP; ToRs talk eBGP to the spine).
 *
 * VXLAN pools (Always and CrossSubnet) run without BGP: the VXLAN manifest sets `calico_backend:
 * "vxlan"` (manifests/calico-vxlan.yaml), and calico-node then enables neither BIRD nor confd
 * ("CALICO_NETWORKING_BACKEND is vxlan - no need to run a BGP daemon", node/filesystem/etc/rc.local).
 * Felix programs the routes from the IPAM blocks (felix/dataplane/linux/vxlan_mgr.go). Where BIRD
 * runs anyway (calico_backend "bird", e.g. to peer with a ToR), confd's kernel filter rejects the
 * VXLAN pools' routes ("VXLAN routes are handled by Felix.", confd/pkg/backends/calico/
 * bgp_processor.go, poolUsesVXLAN), so BGP still does not carry them into the nodes' tables.
 */
import type { Cluster, ClusterNode } from '../engine/model';
import { calicoUsesBgp, type CalicoConfig } from './config';
import { racks, subnetGateway } from './topology';

export const CALICO_DEFAULT_AS = 64512;
export const BGP_PORT = 179;
/** Private ASNs for the ToR model: the spine, then one per rack in order. */
export const SPINE_AS = 65000;
export const rackAs = (rackIndex: number): number => 65001 + rackIndex;

/** BIRD protocol names replace the dots of the peer IP with underscores. */
export const birdPeerName = (prefix: 'Mesh' | 'Node' | 'Global', ip: string): string =>
  `${prefix}_${ip.replaceAll('.', '_')}`;

export type BgpPeerKind = 'mesh' | 'route-reflector' | 'tor' | 'spine';

export interface BgpSpeaker {
  /** A node name, or `tor-<rack>` / `spine-<n>` for fabric routers PacketWalk adds. */
  readonly name: string;
  readonly ip: string;
  readonly as: number;
}

export interface BgpSession {
  readonly a: BgpSpeaker;
  readonly b: BgpSpeaker;
  readonly kind: BgpPeerKind;
  /** iBGP when both ends share an AS. */
  readonly ibgp: boolean;
  /** The BIRD protocol name on each Calico end (absent for fabric routers, which run no BIRD). */
  readonly birdNameOnA?: string;
  readonly birdNameOnB?: string;
}

export interface BgpState {
  readonly enabled: boolean;
  /** Why BGP is off, or how the sessions are shaped, in one sentence. */
  readonly summary: string;
  readonly speakers: readonly BgpSpeaker[];
  readonly sessions: readonly BgpSession[];
  /** Route reflector node names (route-reflector mode). */
  readonly routeReflectors: readonly string[];
  /** Each node's AS. */
  readonly nodeAs: Readonly<Record<string, number>>;
}

/**
 * Route reflectors: PacketWalk picks one per rack, the first node of each rack in manifest order,
 * and gives them the usual routeReflectorClusterID 244.0.0.1 (Calico docs' example).
 */
export function pickRouteReflectors(cluster: Cluster): ClusterNode[] {
  return racks(cluster).map((r) => r.nodes[0]!);
}

export const ROUTE_REFLECTOR_CLUSTER_ID = '244.0.0.1';

export function torName(rack: string): string {
  return `tor-${rack.replace(/[^a-zA-Z0-9-]+/g, '-')}`;
}

/** Why no BGP session is drawn in the VXLAN modes (one sentence, sources above). */
export const VXLAN_NO_BGP =
  'No BGP: with calico_backend "vxlan" calico-node runs neither BIRD nor confd, and Felix programs every pod route itself from the IPAM blocks (even where BIRD runs for other peers, confd leaves VXLAN routes to Felix).';

export function bgpState(cluster: Cluster, config: CalicoConfig): BgpState {
  const nodes = cluster.nodes;
  if (!calicoUsesBgp(config)) {
    return {
      enabled: false,
      summary: VXLAN_NO_BGP,
      speakers: [],
      sessions: [],
      routeReflectors: [],
      nodeAs: {},
    };
  }
  const speaker = (n: ClusterNode, as = CALICO_DEFAULT_AS): BgpSpeaker => ({
    name: n.name,
    ip: n.internalIP,
    as,
  });
  if (config.peering === 'full-mesh') {
    const sessions: BgpSession[] = [];
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const a = nodes[i]!;
        const b = nodes[j]!;
        sessions.push({
          a: speaker(a),
          b: speaker(b),
          kind: 'mesh',
          ibgp: true,
          birdNameOnA: birdPeerName('Mesh', b.internalIP),
          birdNameOnB: birdPeerName('Mesh', a.internalIP),
        });
      }
    }
    return {
      enabled: true,
      summary: `Full node-to-node mesh: ${nodes.length} nodes, n(n-1)/2 = ${sessions.length} iBGP sessions in AS ${CALICO_DEFAULT_AS}.`,
      speakers: nodes.map((n) => speaker(n)),
      sessions,
      routeReflectors: [],
      nodeAs: Object.fromEntries(nodes.map((n) => [n.name, CALICO_DEFAULT_AS])),
    };
  }
  if (config.peering === 'route-reflector') {
    const reflectors = pickRouteReflectors(cluster);
    const isRR = new Set(reflectors.map((n) => n.name));
    const sessions: BgpSession[] = [];
    // One BGPPeer `nodeSelector: all()`, `peerSelector: route-reflector == 'true'`: every node
    // (reflectors included) peers with every reflector; BIRD names such peers Node_<ip>.
    for (const rr of reflectors) {
      for (const n of nodes) {
        if (n.name === rr.name) continue;
        if (isRR.has(n.name) && n.name < rr.name) continue;
        sessions.push({
          a: speaker(rr),
          b: speaker(n),
          kind: 'route-reflector',
          ibgp: true,
          birdNameOnA: birdPeerName('Node', n.internalIP),
          birdNameOnB: birdPeerName('Node', rr.internalIP),
        });
      }
    }
    return {
      enabled: true,
      summary: `Route reflectors ${reflectors.map((n) => n.name).join(', ')} (one per rack, cluster ID ${ROUTE_REFLECTOR_CLUSTER_ID}); the node-to-node mesh is disabled, so ${sessions.length} sessions instead of ${(nodes.length * (nodes.length - 1)) / 2}.`,
      speakers: nodes.map((n) => speaker(n)),
      sessions,
      routeReflectors: reflectors.map((n) => n.name),
      nodeAs: Object.fromEntries(nodes.map((n) => [n.name, CALICO_DEFAULT_AS])),
    };
  }
  // ToR: AS per rack.
  const sessions: BgpSession[] = [];
  const speakers: BgpSpeaker[] = [];
  const nodeAs: Record<string, number> = {};
  const spines: BgpSpeaker[] = [
    { name: 'spine-1', ip: 'spine-1', as: SPINE_AS },
    { name: 'spine-2', ip: 'spine-2', as: SPINE_AS },
  ];
  racks(cluster).forEach(({ rack, nodes: members }, i) => {
    const as = rackAs(i);
    const tor: BgpSpeaker = { name: torName(rack), ip: subnetGateway(cluster, members[0]!), as };
    speakers.push(tor);
    for (const n of members) {
      nodeAs[n.name] = as;
      speakers.push(speaker(n, as));
      sessions.push({
        a: speaker(n, as),
        b: tor,
        kind: 'tor',
        ibgp: true,
        birdNameOnA: birdPeerName('Node', tor.ip),
      });
    }
    for (const spine of spines) sessions.push({ a: tor, b: spine, kind: 'spine', ibgp: false });
  });
  speakers.push(...spines);
  return {
    enabled: true,
    summary: `Top-of-rack peering, AS per rack: each node peers only with its rack's ToR (iBGP in the rack's AS), ToRs peer eBGP with two spines (AS ${SPINE_AS}); the node-to-node mesh is disabled.`,
    speakers,
    sessions,
    routeReflectors: [],
    nodeAs,
  };
}

/** Sessions a node takes part in, with the peer's BIRD protocol name as `birdc show protocols` lists it. */
export function sessionsOf(
  state: BgpState,
  node: string,
): { peer: BgpSpeaker; birdName?: string }[] {
  const out: { peer: BgpSpeaker; birdName?: string }[] = [];
  for (const s of state.sessions) {
    if (s.a.name === node)
      out.push({ peer: s.b, ...(s.birdNameOnA ? { birdName: s.birdNameOnA } : {}) });
    else if (s.b.name === node)
      out.push({ peer: s.a, ...(s.birdNameOnB ? { birdName: s.birdNameOnB } : {}) });
  }
  return out;
}
