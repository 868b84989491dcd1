/**
 * A large service map folds its namespaces (issue 17): above FOLD_ABOVE boxes in namespaces, each
 * namespace of two or more boxes is drawn as one box ("ns-1 · 8 workloads") until it is opened, and
 * the edges to and from its boxes become the namespace's edges (their counts summed, their ports,
 * Services and connections merged; the edges inside it a loop). So a 300 px drawer shows a few
 * readable boxes and arcs instead of a tall column crossed by hundreds of arcs. Pure and
 * deterministic: the same map and the same open namespaces give the same map.
 */
import type { ServiceMap, ServiceMapBox, ServiceMapEdge } from '../datapath/flows/serviceMap';

/** More boxes in namespaces than this and the map folds its namespaces. */
export const FOLD_ABOVE = 20;

/** A folded namespace, drawn as one box. */
export interface NamespaceBox {
  /** `namespace:<ns>`. */
  readonly id: string;
  readonly kind: 'namespace';
  /** The namespace's name. */
  readonly label: string;
  readonly namespace?: undefined;
  /** No pods listed: the count of its boxes says what is inside. */
  readonly pods: readonly string[];
  /** How many boxes (workloads and Services) it holds. */
  readonly members: number;
}

export type MapBox = ServiceMapBox | NamespaceBox;

/** A service map as drawn: some of its boxes may be folded namespaces. */
export interface DrawnServiceMap extends Omit<ServiceMap, 'boxes'> {
  readonly boxes: readonly MapBox[];
}

export interface FoldedMap {
  readonly map: DrawnServiceMap;
  /** Whether the map is large enough to fold: its namespaces open and close on a click. */
  readonly foldable: boolean;
}

export const namespaceBoxId = (ns: string) => `namespace:${ns}`;

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const union = (a: readonly string[], b: readonly string[]) =>
  [...new Set([...a, ...b])].sort(byText);

/** The map with every namespace folded except those in `open` (and those of a single box). */
export function foldServiceMap(map: ServiceMap, open: ReadonlySet<string>): FoldedMap {
  const members = new Map<string, number>();
  for (const b of map.boxes)
    if (b.namespace !== undefined) members.set(b.namespace, (members.get(b.namespace) ?? 0) + 1);
  const inNamespaces = [...members.values()].reduce((n, m) => n + m, 0);
  if (inNamespaces <= FOLD_ABOVE || members.size < 2) return { map, foldable: false };

  const folded = (ns: string | undefined): ns is string =>
    ns !== undefined && (members.get(ns) ?? 0) > 1 && !open.has(ns);
  const boxes: MapBox[] = [];
  const drawnId = new Map<string, string>();
  for (const b of map.boxes) {
    if (!folded(b.namespace)) {
      boxes.push(b);
      drawnId.set(b.id, b.id);
      continue;
    }
    const id = namespaceBoxId(b.namespace);
    drawnId.set(b.id, id);
    if (!boxes.some((x) => x.id === id))
      boxes.push({
        id,
        kind: 'namespace',
        label: b.namespace,
        pods: [],
        members: members.get(b.namespace)!,
      });
  }

  const edges = new Map<string, ServiceMapEdge>();
  for (const e of map.edges) {
    const source = drawnId.get(e.source) ?? e.source;
    const target = drawnId.get(e.target) ?? e.target;
    const id = `${source} -> ${target}`;
    const before = edges.get(id);
    edges.set(
      id,
      before === undefined
        ? { ...e, id, source, target }
        : {
            ...before,
            forwarded: before.forwarded + e.forwarded,
            dropped: before.dropped + e.dropped,
            errors: before.errors + e.errors,
            ports: union(before.ports, e.ports),
            services: union(before.services, e.services),
            connections: [...new Set([...before.connections, ...e.connections])].sort(
              (x, y) => x - y,
            ),
          },
    );
  }
  return { map: { ...map, boxes, edges: [...edges.values()] }, foldable: true };
}
