import { describe, expect, it } from 'vitest';
import { layoutNodes } from './layout';

const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('layoutNodes', () => {
  it('returns nothing for an empty cluster or a zero-size panel', () => {
    expect(layoutNodes(0, { width: 800, height: 400 })).toEqual([]);
    expect(layoutNodes(3, { width: 0, height: 400 })).toEqual([]);
  });

  it.each([1, 2, 3, 6])('places %i nodes inside the panel without overlap', (n) => {
    const boxes = layoutNodes(n, { width: 900, height: 500 });
    expect(boxes).toHaveLength(n);
    for (const b of boxes) {
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.y).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(900);
      expect(b.y + b.height).toBeLessThanOrEqual(500 * 0.75);
      expect(b.width).toBeGreaterThanOrEqual(160);
    }
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) expect(overlaps(boxes[i]!, boxes[j]!)).toBe(false);
  });

  it('wraps onto a second row when the boxes would get too narrow', () => {
    const boxes = layoutNodes(6, { width: 600, height: 500 });
    expect(new Set(boxes.map((b) => b.y)).size).toBe(2);
  });
});
