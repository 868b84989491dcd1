/**
 * How a lesson step names the hop it stops at: the first hop at a stage, optionally at a place
 * (the hop's structured location, Hop.place) and, for older lessons, whose `where` prose contains
 * some text. One function for the replayer and the app, so both stop at the same hop.
 */
import type { Hop, Stage } from '../datapath/hop';
import type { HopPlace } from '../datapath/place';

export interface HopAddress {
  readonly stage: Stage;
  /** Text the hop's `where` contains (prose; kept so existing lessons keep working). */
  readonly where?: string;
  /**
   * Where the hop is: an element id (`layer:node-1:tunnel`, `tor:tor-rack-2`) or the name after
   * its kind (`tor-rack-2`, `default/pod-a`), a node (`node-1`), a layer (`tunnel`, `xfrm`), a
   * hook (`socket`, `netfilter`), or an element the packet passes (`spine:spine-1`).
   */
  readonly place?: string;
}

/** Whether `place` is at, on or through what `text` names (see HopAddress.place). */
export function placeMatches(place: HopPlace, text: string): boolean {
  const names = (id: string) => id === text || id.endsWith(`:${text}`);
  return (
    names(place.id) ||
    place.via.some(names) ||
    place.node === text ||
    place.layer === text ||
    place.hook === text
  );
}

/** The index of the first hop the address names, or -1. */
export function findHop(hops: readonly Hop[], address: HopAddress): number {
  return hops.findIndex(
    (h) =>
      h.stage === address.stage &&
      (address.where === undefined || h.where.includes(address.where)) &&
      (address.place === undefined || placeMatches(h.place, address.place)),
  );
}
