/**
 * The path-focused layout (the default picture): the nodes a walk touches drawn in full, the
 * source node left and the destination node right with the network between them; on those nodes
 * only the pods on the path (the others collapse into a "+3 pods" chip); nodes off the path
 * collapse into chips ("node-4 · 50 pods") that expand on demand. "Whole cluster" is the same
 * layout with every node and pod expanded.
 *
 * Pure: sizes come from the font size (11 px at scale 1, the legibility floor) and the panel's
 * size; the layout adapts instead of shrinking:
 * - a panel narrower than two node columns need (every layer, pod and veth name in full) stacks
 *   the destination node under the source node, the network between them;
 * - a panel shorter than the walk's picture gets the compact form (node name and address on one
 *   line, pod name and address on one line, lower layer rows, the segment and tunnel names on one
 *   line); what still does not fit is panned to, never scaled below the floor.
 * Every label is placed here, with its box, so a unit test can check that no two labels overlap,
 * and the packet's resting points (anchors) sit in a gutter column at the right of pods and
 * layers, never on text.
 *
 * The layout is split by concern under pathLayout/: types (inputs and result), focus (what a walk
 * touches), context (sizes and the label helpers), plan (which nodes, widths, stacked or not),
 * nodeBox (one node's box), network (network boxes and segments), rows (side by side or
 * stacked), edges (links and sessions), below (tunnel, note, chips, expanded nodes).
 */
import type { Scene } from '../scene/scene';
import type { Box } from './layout';
import { placeChips, placeExtra, placeNote, placeTunnel } from './pathLayout/below';
import { createCtx } from './pathLayout/context';
import { layoutEdges } from './pathLayout/edges';
import { plan } from './pathLayout/plan';
import { placeRow } from './pathLayout/rows';
import type { Focus, FocusLayout, FocusOptions } from './pathLayout/types';

export { pathFocus } from './pathLayout/focus';
export {
  MIN_FONT,
  NO_FOCUS,
  nodeChipId,
  podsChipId,
  type Focus,
  type FocusLayout,
  type FocusOptions,
  type LaidChip,
  type LaidLabel,
} from './pathLayout/types';

/**
 * The path-focused layout of `scene` for a walk touching `focus`, in a panel of `o.width` ×
 * `o.height`: the regular form when the walk's picture fits the height, else the compact form.
 */
export function layoutPath(scene: Scene, focus: Focus, o: FocusOptions): FocusLayout {
  const regular = build(scene, focus, o, false);
  if (regular.focusBox.height <= o.height) return regular;
  const compact = build(scene, focus, o, true);
  return compact.focusBox.height < regular.focusBox.height ? compact : regular;
}

function build(scene: Scene, focus: Focus, o: FocusOptions, compact: boolean): FocusLayout {
  const c = createCtx(scene, focus, o, compact);
  const pl = plan(c);
  const { f, pad, margin, W, nodes, gateways, spines, segments, chips, labels } = c;
  const { stacked, caption } = pl;

  let y = placeRow(c, pl);
  // Placed by the row (the network's boxes).
  const outside = c.outside;
  const { links, sessions, centers } = layoutEdges(c, pl);
  const laidTunnel = placeTunnel(c, pl, centers, y);
  const tunnel = laidTunnel.tunnel;
  const laidNote = placeNote(c, laidTunnel.y);
  const note = laidNote.note;
  y = laidNote.y;
  const focusBottom = y + pad;
  y = placeChips(c, pl, y);
  y = placeExtra(c, pl, y);

  // The extent: everything placed, plus the margin.
  let width = W;
  let height = y + margin;
  const grow = (b: Box) => {
    width = Math.max(width, b.x + b.width + margin);
    height = Math.max(height, b.y + b.height + margin);
  };
  nodes.forEach((n) => grow(n.box));
  [...gateways, ...spines, ...(outside ? [outside] : [])].forEach((b) => grow(b.box));
  chips.forEach((ch) => grow(ch.box));
  labels.forEach((l) => grow(l.box));
  return {
    width,
    height,
    fontSize: f,
    stacked,
    compact,
    nodes,
    segments,
    gateways,
    spines,
    outside,
    links,
    sessions,
    tunnel,
    note,
    chips,
    labels,
    caption,
    focusBox: { x: 0, y: 0, width, height: Math.min(height, focusBottom) },
    anchors: c.anchors,
    owner: c.owner,
  };
}
