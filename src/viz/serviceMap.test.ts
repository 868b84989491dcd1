// @vitest-environment jsdom
// The service map as drawn: a folded namespace's box shows its count of workloads, in words where
// they fit beside its name and as its number in a narrow drawer (where "▸ ns-0" alone hid it).
import { afterEach, describe, expect, it } from 'vitest';
import { mapEdge } from '../test/serviceMaps';
import { createServiceMap } from './serviceMap';
import type { DrawnServiceMap, NamespaceBox } from './serviceMapFold';

afterEach(() => {
  document.body.innerHTML = '';
});

const folded = (ns: string, members: number): NamespaceBox => ({
  id: `namespace:${ns}`,
  kind: 'namespace',
  label: ns,
  pods: [],
  members,
});

/** Two folded namespaces (8 and 12 workloads) and the outside, talking to each other. */
const map: DrawnServiceMap = {
  cni: 'cilium',
  namespaces: ['ns-0', 'ns-1'],
  boxes: [
    folded('ns-0', 8),
    folded('ns-1', 12),
    { id: 'world', kind: 'world', label: 'world', pods: [] },
  ],
  edges: [
    mapEdge('namespace:ns-0', 'namespace:ns-1', 3, 1),
    mapEdge('namespace:ns-1', 'namespace:ns-0', 2, 0),
    mapEdge('world', 'namespace:ns-0', 0, 4),
  ],
};

describe('createServiceMap: a folded namespace', () => {
  for (const [width, fontSize, drawn] of [
    // A 300 px drawer in the projector's type: the words do not fit beside "▸ ns-0", the number does.
    [300, 20, ['8', '12']],
    [640, 14, ['8 workloads', '12 workloads']],
  ] as const)
    it(`at ${width} px, ${fontSize} px type: its box draws its count, its names say it in words`, () => {
      const el = document.body.appendChild(
        document.createElementNS('http://www.w3.org/2000/svg', 'svg'),
      );
      const renderer = createServiceMap({ svg: el, onSelect: () => {} });
      const layout = renderer.update(map, { width, fontSize, selected: null, foldable: true });
      const boxes = [...el.querySelectorAll<SVGGElement>('g.sm-box[data-kind="namespace"]')];
      expect(boxes.map((g) => g.querySelector('.sm-box-name')?.textContent)).toEqual([
        '▸ ns-0',
        '▸ ns-1',
      ]);
      expect(boxes.map((g) => g.querySelector('.sm-box-detail')?.textContent)).toEqual(drawn);
      expect(boxes.map((g) => g.getAttribute('aria-label'))).toEqual([
        'namespace ns-0, folded: 8 workloads; open it',
        'namespace ns-1, folded: 12 workloads; open it',
      ]);
      expect(boxes.map((g) => g.querySelector('title')?.textContent)).toEqual([
        'namespace ns-0: 8 workloads, folded into one box; click to open it',
        'namespace ns-1: 12 workloads, folded into one box; click to open it',
      ]);
      // The count is drawn inside the box, at its right, clear of the name's start.
      for (const [i, g] of boxes.entries()) {
        const box = layout.boxes[i]!.box;
        const x = Number(g.querySelector('.sm-box-detail')!.getAttribute('x'));
        expect(x).toBeGreaterThan(box.x + box.width / 2);
        expect(x).toBeLessThan(box.x + box.width);
      }
      renderer.destroy();
    });
});
