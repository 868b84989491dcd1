/**
 * The names the CNIs give the host side of a pod's veth pair.
 */
import { sha1, sha256, toHex } from '../engine/hash';

/**
 * Calico: `cali` + the first 11 hex digits of SHA-1("<namespace>.<pod>"), 15 characters, the
 * kernel's IFNAMSIZ-1 limit. Source: libcalico-go lib/backend/k8s/conversion/
 * workload_endpoint_default.go (VethNameForWorkload); the prefix is Felix's InterfacePrefix.
 */
export function calicoVethName(namespace: string, pod: string, prefix = 'cali'): string {
  return prefix + toHex(sha1(`${namespace}.${pod}`)).slice(0, 11);
}

/**
 * Cilium: `lxc` + the first 12 hex digits of SHA-256 of the ID the CNI plugin is handed, 12 being
 * IFNAMSIZ(16) - len("tmp") - 1. Source: cilium pkg/datapath/connector (Endpoint2IfName), called
 * from plugins/cilium-cni with the pod sandbox's container ID. A manifest does not carry that ID,
 * so callers pass a stable stand-in (PacketWalk uses "<namespace>/<pod>"); the shape of the name is
 * real, the digits are not the ones a live cluster would show.
 */
export function ciliumVethName(containerId: string): string {
  return 'lxc' + toHex(sha256(containerId)).slice(0, 12);
}
