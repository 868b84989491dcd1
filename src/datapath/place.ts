/**
 * Where a hop happens, as data: the id of the drawn element the packet is at after the hop, the
 * elements it passes on the way, the node, the host-stack layer and the kind of hook. The walks set
 * it with the constructors below, the scene draws elements under the same ids, so nothing
 * downstream reads a hop's prose to find where it is (Hubble's habit: the observation point is an
 * enum, the text is derived from it).
 */

/** The layers of a node's host stack, as the packet meets them. */
export type LayerKind =
  | 'routing'
  | 'iptables'
  | 'tc-ebpf'
  | 'lxc-ebpf'
  | 'proxy'
  | 'cilium-host'
  | 'xfrm'
  | 'tunnel'
  | 'wireguard'
  | 'eth0';

/** What kind of place a hop is: the hook or device class, for icons and the timeline. */
export type HookKind =
  /** Inside the pod's network namespace (its eth0), or its socket (connect()). */
  | 'pod'
  | 'socket'
  /** A tc (or TCX) BPF program on a device. */
  | 'tc'
  /** A netfilter chain (iptables). */
  | 'netfilter'
  /** A routing decision: `ip route`, a BPF FIB lookup, an `ip rule`. */
  | 'route'
  /** A device that encapsulates, encrypts or decapsulates: tunl0, vxlan.calico, cilium_wg0, xfrm. */
  | 'device'
  | 'proxy'
  /** The node's host stack as a whole (conntrack, the host namespace). */
  | 'host'
  /** Between nodes: an L2 segment, a router, a ToR or spine, the outside. */
  | 'network';

export interface HopPlace {
  /** The element where the packet is after this hop. */
  readonly id: string;
  /** Elements the packet passes on its way there (a spine between two ToRs). */
  readonly via: readonly string[];
  /** The cluster node the hop happens on; null between nodes and outside the cluster. */
  readonly node: string | null;
  /** The host-stack layer, for hops inside a node's stack. */
  readonly layer?: LayerKind;
  readonly hook: HookKind;
}

// Element ids, shared by the walks (which say where a hop is) and the scene (which draws it).
export const nodeId = (name: string): string => `node:${name}`;
export const podId = (key: string): string => `pod:${key}`;
export const vethId = (key: string): string => `veth:${key}`;
export const layerId = (node: string, kind: LayerKind): string => `layer:${node}:${kind}`;
export const segmentId = (subnet: string): string => `segment:${subnet}`;
export const routerId = (ip: string): string => `router:${ip}`;
export const torId = (name: string): string => `tor:${name}`;
export const spineId = (name: string): string => `spine:${name}`;
export const OUTSIDE_ID = 'outside';
export const TUNNEL_ID = 'tunnel';

/** Constructors for the places a walk names. */
export const place = {
  /** In the pod's network namespace (its eth0) or at its socket. */
  pod: (node: string, key: string, hook: 'pod' | 'socket' = 'pod'): HopPlace => ({
    id: podId(key),
    via: [],
    node,
    hook,
  }),
  /** On the host side of a pod's veth (tc programs attached to it, Felix's per-veth chains). */
  veth: (node: string, key: string, hook: HookKind = 'tc'): HopPlace => ({
    id: vethId(key),
    via: [],
    node,
    hook,
  }),
  layer: (node: string, layer: LayerKind, hook: HookKind): HopPlace => ({
    id: layerId(node, layer),
    via: [],
    node,
    layer,
    hook,
  }),
  /** The node's host stack as a whole. */
  node: (node: string, hook: HookKind = 'host'): HopPlace => ({
    id: nodeId(node),
    via: [],
    node,
    hook,
  }),
  /** On an L2 segment between nodes of one subnet. */
  segment: (subnet: string): HopPlace => ({
    id: segmentId(subnet),
    via: [],
    node: null,
    hook: 'network',
  }),
  /** At a router, a ToR or a spine (by element id), having passed `via`. */
  network: (id: string, via: readonly string[] = []): HopPlace => ({
    id,
    via,
    node: null,
    hook: 'network',
  }),
  outside: (): HopPlace => ({ id: OUTSIDE_ID, via: [], node: null, hook: 'network' }),
} as const;
