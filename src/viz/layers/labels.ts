/** Draws a layout's labels into the group of the element that owns them. */
import type { LaidLabel } from '../pathLayout';
import type { LayerGroup, Register } from './types';

export function drawLabels(g: LayerGroup, labels: readonly LaidLabel[], register: Register): void {
  for (const l of labels) {
    // A tooltip goes beside the text in a group of its own, so the text reads only the label.
    const holder = l.title ? g.append('g').attr('class', 'label') : g;
    if (l.title) holder.append('title').text(l.title);
    const t = holder
      .append('text')
      .attr('class', l.cls)
      .attr('x', l.x)
      .attr('y', l.y)
      .attr('text-anchor', l.anchor)
      .style('font-size', `${l.fontSize}px`)
      .text(l.text);
    if (l.id) register(l.id, t.node());
  }
}

/** Labels grouped by owner, so each element's group draws its own. */
export function labelsByOwner(labels: readonly LaidLabel[]): Map<string, LaidLabel[]> {
  const m = new Map<string, LaidLabel[]>();
  for (const l of labels) {
    const list = m.get(l.owner) ?? [];
    list.push(l);
    m.set(l.owner, list);
  }
  return m;
}
