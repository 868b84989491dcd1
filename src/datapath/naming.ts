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
  return (
    prefix + hashed(`${namespace}.${pod}`, () => toHex(sha1(`${namespace}.${pod}`)).slice(0, 11))
  );
}

/**
 * The names are pure functions of their input and a walk asks for them at several hops (a traffic
 * run thousands of times): computed once per input, up to a bound that keeps memory flat.
 */
const names = new Map<string, string>();
const MAX_NAMES = 50_000;
function hashed(key: string, compute: () => string): string {
  let name = names.get(key);
  if (name === undefined) {
    if (names.size >= MAX_NAMES) names.clear();
    names.set(key, (name = compute()));
  }
  return name;
}

/**
 * Cilium: `lxc` + the first 12 hex digits of SHA-256 of the ID the CNI plugin is handed, 12 being
 * IFNAMSIZ(16) - len("tmp") - 1. Source: cilium pkg/datapath/connector (Endpoint2IfName), called
 * from plugins/cilium-cni with the pod sandbox's container ID. A manifest does not carry that ID,
 * so callers pass a stable stand-in (PacketWalk uses "<namespace>/<pod>"); the shape of the name is
 * real, the digits are not the ones a live cluster would show.
 */
export function ciliumVethName(containerId: string): string {
  return 'lxc' + hashed(`lxc:${containerId}`, () => toHex(sha256(containerId)).slice(0, 12));
}
