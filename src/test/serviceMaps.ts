/** Builders for service maps in tests (viz/serviceMapLayout.ts, viz/serviceMap.ts). */
import type { ServiceMapEdge } from '../datapath/flows/serviceMap';

/** An edge between two box ids, with its counts and ports (one connection, no Service). */
export const mapEdge = (
  source: string,
  target: string,
  forwarded: number,
  dropped: number,
  ports: string[] = ['80/TCP'],
): ServiceMapEdge => ({
  id: `${source} -> ${target}`,
  source,
  target,
  forwarded,
  dropped,
  errors: 0,
  ports,
  services: [],
  connections: [1],
});
