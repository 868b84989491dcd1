/**
 * Pure layout for the topology: where each node's box goes in a panel. No DOM, no d3 selections, so
 * it is unit-tested and reused by the renderer and by hit-testing alike.
 */

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface NodeLayoutOptions {
  readonly width: number;
  readonly height: number;
  /** Space around and between boxes. */
  readonly gap?: number;
  /** Boxes never get narrower than this; more nodes wrap onto another row. */
  readonly minNodeWidth?: number;
}

/**
 * Lays `count` node boxes out in rows of equal width, as many per row as fit at `minNodeWidth`,
 * with the bottom quarter of the panel left for the network between nodes.
 */
export function layoutNodes(count: number, options: NodeLayoutOptions): Box[] {
  const { width, height, gap = 16, minNodeWidth = 160 } = options;
  if (count <= 0 || width <= 0 || height <= 0) return [];
  const perRow = Math.max(1, Math.min(count, Math.floor((width - gap) / (minNodeWidth + gap))));
  const rows = Math.ceil(count / perRow);
  const boxWidth = (width - gap * (perRow + 1)) / perRow;
  const usable = height * 0.75;
  const boxHeight = Math.max(0, (usable - gap * (rows + 1)) / rows);
  return Array.from({ length: count }, (_, i) => {
    const row = Math.floor(i / perRow);
    const col = i % perRow;
    return {
      x: gap + col * (boxWidth + gap),
      y: gap + row * (boxHeight + gap),
      width: boxWidth,
      height: boxHeight,
    };
  });
}
