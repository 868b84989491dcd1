// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { createTopology } from './topology';

function svg(): SVGSVGElement {
  const el = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  document.body.append(el);
  return el;
}

describe('createTopology', () => {
  it('draws one group per node, keyed by name, and removes only its own <g>', () => {
    const el = svg();
    const keep = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
    el.append(keep);
    const topo = createTopology({ svg: el });
    const size = { width: 800, height: 400 };
    topo.update(
      [
        { name: 'node-1', address: '192.168.1.10', podCIDR: '10.244.0.0/24' },
        { name: 'node-2', address: '192.168.1.11', podCIDR: '10.244.1.0/24' },
      ],
      size,
    );
    expect(el.querySelectorAll('g.node')).toHaveLength(2);
    expect(el.querySelector('g.node text.node-address')?.textContent).toBe('192.168.1.10');
    expect(el.querySelector('g.node text.node-cidr')?.textContent).toBe('pods 10.244.0.0/24');
    topo.update([{ name: 'node-2', address: '192.168.1.11', podCIDR: '10.244.1.0/24' }], size);
    expect([...el.querySelectorAll('text.node-name')].map((t) => t.textContent)).toEqual([
      'node-2',
    ]);
    topo.destroy();
    expect(el.querySelector('g.topology')).toBeNull();
    expect(el.contains(keep)).toBe(true);
  });
});
