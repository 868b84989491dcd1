/**
 * The topology renderer. A behaviour in the factory shape the whole viz layer uses:
 * `createTopology({ svg }) -> { update, destroy }`. d3 owns the `<g>` it creates inside the given
 * SVG and nothing else; React owns the SVG element itself.
 */
import { select } from 'd3';
import { layoutNodes } from './layout';

export interface TopologyNode {
  readonly name: string;
  readonly address: string;
  readonly podCIDR: string;
}

export interface TopologyOptions {
  readonly svg: SVGSVGElement;
}

export interface Topology {
  update(nodes: readonly TopologyNode[], size: { width: number; height: number }): void;
  destroy(): void;
}

export function createTopology({ svg }: TopologyOptions): Topology {
  const root = select(svg).append('g').attr('class', 'topology');

  return {
    update(nodes, size) {
      const boxes = layoutNodes(nodes.length, size);
      const groups = root
        .selectAll<SVGGElement, TopologyNode>('g.node')
        .data(nodes, (d) => d.name)
        .join((enter) => {
          const g = enter.append('g').attr('class', 'node');
          g.append('rect').attr('rx', 8);
          g.append('text').attr('class', 'node-name').attr('dy', '1.2em');
          g.append('text').attr('class', 'node-address').attr('dy', '2.6em');
          g.append('text').attr('class', 'node-cidr').attr('dy', '3.9em');
          return g;
        });
      groups.attr('transform', (_, i) => `translate(${boxes[i]!.x},${boxes[i]!.y})`);
      groups
        .select('rect')
        .attr('width', (_, i) => boxes[i]!.width)
        .attr('height', (_, i) => boxes[i]!.height);
      groups
        .select('text.node-name')
        .attr('x', 10)
        .text((d) => d.name);
      groups
        .select('text.node-address')
        .attr('x', 10)
        .text((d) => d.address);
      groups
        .select('text.node-cidr')
        .attr('x', 10)
        .text((d) => `pods ${d.podCIDR}`);
    },
    destroy() {
      root.remove();
    },
  };
}
