/**
 * Which elements a scene draws, and where the packet is drawn at a hop: the scene's light part,
 * which the page's topology reads on every step. The scene itself (scene.ts) is built in the
 * worker; keeping these apart keeps the models' helpers off the page's first load (issue 15).
 */
import type { Hop } from '../datapath/hop';
import { nodeId, type HopPlace } from '../datapath/place';
import type { Scene } from './scene';

/** Every drawable element's id. */
export function sceneElementIds(scene: Scene): Set<string> {
  const ids = new Set<string>([scene.outside.id]);
  for (const n of scene.nodes) {
    ids.add(n.id);
    if (n.routeReflectorId) ids.add(n.routeReflectorId);
    for (const p of n.pods) ids.add(p.id).add(p.vethId);
    for (const l of n.layers) ids.add(l.id);
  }
  for (const x of [
    ...scene.segments,
    ...scene.gateways,
    ...scene.spines,
    ...scene.links,
    ...scene.sessions,
  ])
    ids.add(x.id);
  if (scene.tunnel) ids.add(scene.tunnel.id);
  if (scene.note) ids.add(scene.note.id);
  return ids;
}

// ---------------------------------------------------------------------------------------------
// Where a hop happens
// ---------------------------------------------------------------------------------------------

const drawnIds = new WeakMap<Scene, Set<string>>();

function drawn(scene: Scene): Set<string> {
  let ids = drawnIds.get(scene);
  if (!ids) {
    ids = sceneElementIds(scene);
    drawnIds.set(scene, ids);
  }
  return ids;
}

/**
 * Where the packet is at a hop: the place the walk gave it (`hop.place`), checked against what this
 * scene draws. Never fails: an element the scene does not draw falls back to the hop's node, then
 * to the outside; passed elements that are not drawn are left out.
 */
export function placeHop(scene: Scene, hop: Hop): HopPlace {
  const ids = drawn(scene);
  const p = hop.place;
  if (ids.has(p.id)) return { ...p, via: p.via.filter((v) => ids.has(v)) };
  const node = nodeId(p.node ?? hop.node);
  return ids.has(node)
    ? { ...p, id: node, via: [], hook: 'host' }
    : { ...p, id: scene.outside.id, via: [], hook: 'network' };
}
