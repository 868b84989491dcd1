/** Which nodes, pods and network elements a walk touches. */
import type { Scene } from '../../scene/scene';
import type { Focus } from './types';

/** What a walk touches, from the element ids of its hops' places (and their `via`). */
export function pathFocus(scene: Scene, ids: readonly string[]): Focus {
  const ownerOf = new Map<string, { node: string; pod?: string }>();
  for (const n of scene.nodes) {
    ownerOf.set(n.id, { node: n.id });
    if (n.routeReflectorId) ownerOf.set(n.routeReflectorId, { node: n.id });
    for (const l of n.layers) ownerOf.set(l.id, { node: n.id });
    for (const p of n.pods) {
      ownerOf.set(p.id, { node: n.id, pod: p.id });
      ownerOf.set(p.vethId, { node: n.id, pod: p.id });
    }
  }
  const nodes: string[] = [];
  const pods = new Set<string>();
  const network = new Set<string>();
  for (const id of ids) {
    const o = ownerOf.get(id);
    if (!o) {
      network.add(id);
      continue;
    }
    if (!nodes.includes(o.node)) nodes.push(o.node);
    if (o.pod) pods.add(o.pod);
  }
  return { nodes, pods, network };
}
