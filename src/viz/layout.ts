/**
 * The shapes a topology layout is made of (boxes, points, laid-out nodes, lines and edges), shared
 * by the path-focused layout (pathLayout.ts), the packet's route (packetPath.ts) and the layers
 * that draw them. The layout itself lives in pathLayout.ts ("Whole cluster" is that layout with
 * everything expanded).
 */
import type { LayerKind } from '../scene/scene';

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A finished drawing's extent and the font size its labels were laid out at, in CSS px. */
export interface DrawingSize {
  readonly width: number;
  readonly height: number;
  readonly fontSize: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LaidOut {
  readonly id: string;
  readonly box: Box;
}

export interface LaidNode extends LaidOut {
  readonly name: string;
  readonly pods: readonly (LaidOut & { readonly vethId: string; readonly key: string })[];
  readonly layers: readonly (LaidOut & { readonly kind: LayerKind })[];
  /** The route reflector badge, in route-reflector mode. */
  readonly badge?: LaidOut;
  /** Where the node's cable leaves it: the bottom of its box (the top when stacked under another). */
  readonly exit: Point;
  /** Where the node's cable meets its segment. */
  readonly drop: Point;
}

/** A line drawn as straight segments, with the point the packet stops at. */
export interface LaidLine {
  readonly id: string;
  readonly lines: readonly (readonly [Point, Point])[];
  readonly anchor: Point;
}

/** A curve or a line between two elements, as an SVG path. */
export interface LaidEdge {
  readonly id: string;
  readonly d: string;
  readonly mid: Point;
}
