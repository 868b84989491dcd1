/** The path-focused layout's inputs and result (the layout itself: ../pathLayout.ts). */
import type { Box, DrawingSize, LaidEdge, LaidLine, LaidNode, LaidOut, Point } from '../layout';

/** The smallest font any topology label is drawn at (CSS px at zoom 1). */
export const MIN_FONT = 11;

export interface Focus {
  /** Node ids the walk touches, in the order it first touches them. */
  readonly nodes: readonly string[];
  /** Pod ids on the path (a hop at the pod or its veth). */
  readonly pods: ReadonlySet<string>;
  /** Other element ids on the path: segments, gateways, spines, the outside, the tunnel. */
  readonly network: ReadonlySet<string>;
}

export const NO_FOCUS: Focus = { nodes: [], pods: new Set(), network: new Set() };

export interface FocusOptions {
  readonly width: number;
  readonly height: number;
  /** Multiplies every font and size (presenter mode: 16/11). */
  readonly fontScale?: number;
  /** Off-path nodes drawn in full (expanded chips); a path node listed here shows all its pods. */
  readonly expanded?: ReadonlySet<string>;
  /** Every node and pod in full: the "Whole cluster" view. */
  readonly whole?: boolean;
}

export interface LaidLabel {
  /** Unique within the layout. */
  readonly key: string;
  /** The element whose group holds the label. */
  readonly owner: string;
  /** An element id the text itself stands for (a veth). */
  readonly id?: string;
  readonly cls: string;
  readonly text: string;
  /** The tooltip: the full name when abbreviated, or an explanation. */
  readonly title?: string;
  /** Baseline point. */
  readonly x: number;
  readonly y: number;
  readonly anchor: 'start' | 'middle' | 'end';
  readonly fontSize: number;
  readonly mono?: boolean;
  /** The label's extent (estimated, never smaller than drawn). */
  readonly box: Box;
}

export interface LaidChip {
  /** `chip:node:…` for a collapsed node, `chip:pods:…` for a node's collapsed pods. */
  readonly id: string;
  readonly kind: 'node' | 'pods';
  /** The node's id. */
  readonly node: string;
  readonly count: number;
  readonly expanded: boolean;
  readonly box: Box;
}

export interface FocusLayout extends DrawingSize {
  /** The destination node under the source node (a narrow panel). */
  readonly stacked: boolean;
  /** The compact form (a short panel). */
  readonly compact: boolean;
  readonly nodes: readonly LaidNode[];
  readonly segments: readonly LaidLine[];
  readonly gateways: readonly LaidOut[];
  readonly spines: readonly LaidOut[];
  readonly outside: LaidOut | null;
  readonly links: readonly LaidEdge[];
  readonly sessions: readonly LaidEdge[];
  readonly tunnel: LaidLine | null;
  readonly note: LaidOut | null;
  readonly chips: readonly LaidChip[];
  readonly labels: readonly LaidLabel[];
  /** The baseline of the packet's caption line (outer headers, delivered, dropped). */
  readonly caption: Point;
  /** What the view frames when the drawing is larger than the panel: the walk's row. */
  readonly focusBox: Box;
  readonly anchors: Readonly<Record<string, Point>>;
  readonly owner: Readonly<Record<string, string>>;
}

export const nodeChipId = (nodeId: string): string => `chip:${nodeId}`;
export const podsChipId = (nodeId: string): string => `chip:pods:${nodeId}`;
