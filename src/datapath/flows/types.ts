/**
 * The contract of a traffic run ("Run traffic"): the connections a run walks, and each walked
 * connection with both CNIs' walks of the request and, when the request got through, its reply,
 * at times on a simulated clock. The Hubble view (hubble.ts), the Calico flow-log view
 * (whisker.ts), the service map and `cli observe` are all read from these records.
 */
import type { PacketSpec } from '../packet';
import type { WalkResult } from '../walk';

/** Why a connection is in the traffic. */
export type TrafficKind =
  /** A pod to a port another pod declares (`containerPort`). */
  | 'pod-port'
  /** A pod to a Service port (its ClusterIP). */
  | 'service'
  /** A pod to an address outside the cluster. */
  | 'outside'
  /** An HTTP request a Cilium L7 rule judges (method and path from the rule). */
  | 'http'
  /** Listed by hand (a lesson's or a file's traffic list). */
  | 'listed';

export interface TrafficConnection {
  /** The request, as a walk takes it (never `reply: true`: the run walks replies itself). */
  readonly packet: PacketSpec;
  readonly kind: TrafficKind;
}

/** One CNI's account of a connection: the request's walk and, if it was delivered, the reply's. */
export type CniOutcome =
  | {
      readonly ok: true;
      readonly request: WalkResult;
      /** Walked when the request was delivered (a dropped request has nothing to reply to). */
      readonly reply?: WalkResult;
    }
  | { readonly ok: false; readonly error: string };

export interface WalkedConnection {
  /** Position in the run, from 0: the id a flow row links back by. */
  readonly id: number;
  /** When the client sent the request, ms since the epoch on the run's simulated clock. */
  readonly time: number;
  /** When the server sent the reply (a few ms after the request). */
  readonly replyTime: number;
  readonly connection: TrafficConnection;
  readonly calico: CniOutcome;
  readonly cilium: CniOutcome;
}

export interface TrafficRun {
  readonly connections: readonly WalkedConnection[];
  /** Connections the generator would have made beyond the cap (said, not dropped silently). */
  readonly omitted: number;
}
