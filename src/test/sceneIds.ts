/**
 * Every element id of a scene as a list (a repeated id shows twice): the tests' own count, written
 * apart from scene/place.ts sceneElementIds (which builds a set) so the two can be checked against
 * each other, and usable by viz/ tests, which may not import scene/ at runtime.
 */
import type { Scene } from '../scene/scene';

export function sceneIds(scene: Scene): string[] {
  return [
    scene.outside.id,
    ...scene.nodes.flatMap((n) => [
      n.id,
      ...(n.routeReflectorId ? [n.routeReflectorId] : []),
      ...n.pods.flatMap((p) => [p.id, p.vethId]),
      ...n.layers.map((l) => l.id),
    ]),
    ...[...scene.segments, ...scene.gateways, ...scene.spines, ...scene.links].map((x) => x.id),
    ...scene.sessions.map((s) => s.id),
    ...(scene.tunnel ? [scene.tunnel.id] : []),
    ...(scene.note ? [scene.note.id] : []),
  ];
}
