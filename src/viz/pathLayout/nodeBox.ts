/**
 * One node's box: its header (name, route reflector badge, AS, address, pod ranges; compact: the
 * address on the name's line), its pods (name, address, veth), the chip for its hidden pods and
 * its layers, with the packet's resting points in the gutter at the right.
 */
import type { SceneNode, ScenePod } from '../../scene/scene';
import type { LaidNode, LaidOut } from '../layout';
import { abbreviate, textWidth } from '../text';
import { plural, type Ctx } from './context';
import type { Plan } from './plan';
import { podsChipId } from './types';

export function layoutNode(c: Ctx, pl: Plan, node: SceneNode, x: number, y: number): LaidNode {
  const { f, fTitle, line, pad, gutter, compact, layerH, layerGap } = c;
  const { label, fitted, anchors, owner, chips } = c;
  const { N, shownPods } = pl;
  const shown = shownPods(node);
  const hidden = node.pods.length - shown.length;
  const gx = x + N - pad - gutter / 2;
  const inner = N - 2 * pad;
  // Header: name (with the RR badge and AS at its right), address, pod ranges.
  const nameY = y + pad + fTitle;
  let right = x + N - pad - gutter;
  let badge: LaidOut | undefined;
  if (node.routeReflectorId) {
    const bw = textWidth('RR', f) + pad;
    const box = { x: right - bw, y: nameY - f, width: bw, height: f * 1.3 };
    badge = { id: node.routeReflectorId, box };
    label({
      key: `${node.id}:rr`,
      owner: node.routeReflectorId,
      cls: 'rr-label',
      text: 'RR',
      x: box.x + bw / 2,
      y: nameY,
      anchor: 'middle',
    });
    anchors[node.routeReflectorId] = { x: gx, y: nameY - f / 3 };
    owner[node.routeReflectorId] = node.id;
    right = box.x - pad / 2;
  }
  const nameW = textWidth(node.name, fTitle);
  // Compact: the address on the name's line when both fit (the AS then goes in the tooltip).
  const ipW = textWidth(node.internalIP, f);
  const ipBeside = compact && nameW + f + ipW <= right - x - pad;
  if (
    !ipBeside &&
    node.as !== undefined &&
    textWidth(`AS ${node.as}`, f) + nameW + pad <= right - x - pad
  ) {
    label({
      key: `${node.id}:as`,
      owner: node.id,
      cls: 'node-as',
      text: `AS ${node.as}`,
      x: right,
      y: nameY,
      anchor: 'end',
    });
    right -= textWidth(`AS ${node.as}`, f) + pad;
  }
  if (ipBeside) {
    label({
      key: `${node.id}:ip`,
      owner: node.id,
      cls: 'node-address',
      text: node.internalIP,
      ...(node.as !== undefined ? { title: `${node.internalIP}, AS ${node.as}` } : {}),
      x: right,
      y: nameY,
      anchor: 'end',
    });
    right -= ipW + f;
  }
  fitted({
    key: `${node.id}:name`,
    owner: node.id,
    cls: 'node-name',
    full: node.name,
    width: right - x - pad,
    x: x + pad,
    y: nameY,
    anchor: 'start',
    fontSize: fTitle,
  });
  let hy = nameY + line;
  if (!ipBeside) {
    fitted({
      key: `${node.id}:ip`,
      owner: node.id,
      cls: 'node-address',
      full: node.internalIP,
      width: inner - gutter,
      x: x + pad,
      y: hy,
      anchor: 'start',
    });
    hy += line;
  }
  const ranges = node.podRanges;
  const allRanges = `${ranges.caption} ${ranges.cidrs.join(', ')}`;
  // All ranges with their caption, else the first and how many more, else the ranges alone
  // (the caption and the explanation stay in the tooltip).
  const more = ranges.cidrs.length > 1 ? ` +${ranges.cidrs.length - 1}` : '';
  const rangeText =
    [allRanges, `${ranges.caption} ${ranges.cidrs[0]}${more}`, `${ranges.cidrs[0]}${more}`].find(
      (t) => textWidth(t, f) <= inner - gutter,
    ) ?? `${ranges.cidrs[0]}${more}`;
  fitted({
    key: `${node.id}:ranges`,
    owner: node.id,
    cls: 'node-cidr',
    full: rangeText,
    title: ranges.title,
    width: inner - gutter,
    x: x + pad,
    y: hy,
    anchor: 'start',
  });
  anchors[node.id] = { x: gx, y: nameY + line - f / 3 };
  owner[node.id] = node.id;

  let cy = hy + f * 0.3 + pad / 2;
  const pods = shown.map((p: ScenePod) => {
    const textW = inner - pad - gutter;
    const fullKey = `${p.namespace}/${p.name}`;
    const nameText = textWidth(fullKey, f) <= textW ? fullKey : p.name;
    // Compact: the pod's address on its name's line when both fit.
    const ipOnName =
      compact && textWidth(nameText, f) + f + textWidth(p.ip, f) <= textW
        ? nameText
        : compact && textWidth(p.name, f) + f + textWidth(p.ip, f) <= textW
          ? p.name
          : null;
    const rows = ipOnName !== null ? 2 : 3;
    const podH = rows * line + pad;
    const box = { x: x + pad, y: cy, width: inner, height: podH };
    const l1 = cy + pad / 2 + f;
    fitted({
      key: `${p.id}:name`,
      owner: p.id,
      cls: 'pod-name',
      full: ipOnName ?? nameText,
      title: `${p.key}, ${p.ip}`,
      width: ipOnName !== null ? textW - textWidth(p.ip, f) - f : textW,
      x: box.x + pad / 2,
      y: l1,
      anchor: 'start',
    });
    label({
      key: `${p.id}:ip`,
      owner: p.id,
      cls: 'pod-ip',
      text: p.ip,
      x: ipOnName !== null ? box.x + pad / 2 + textW : box.x + pad / 2,
      y: ipOnName !== null ? l1 : l1 + line,
      anchor: ipOnName !== null ? 'end' : 'start',
    });
    const vethY = l1 + (rows - 1) * line;
    fitted({
      key: `${p.id}:veth`,
      owner: p.id,
      id: p.vethId,
      cls: 'veth',
      full: p.veth,
      title: `host side of ${p.key}'s veth: ${p.veth}`,
      width: textW,
      x: box.x + pad / 2,
      y: vethY,
      anchor: 'start',
      mono: true,
    });
    anchors[p.id] = { x: gx, y: l1 - f / 3 };
    anchors[p.vethId] = { x: gx, y: vethY - f / 3 };
    owner[p.id] = node.id;
    owner[p.vethId] = node.id;
    cy += podH + pad / 2;
    return { id: p.id, vethId: p.vethId, key: p.key, box };
  });
  if (hidden > 0) {
    const text = `+${plural(hidden, 'pod')}`;
    const box = { x: x + pad, y: cy, width: textWidth(text, f) + 2 * pad, height: line + 2 };
    chips.push({
      id: podsChipId(node.id),
      kind: 'pods',
      node: node.id,
      count: hidden,
      expanded: false,
      box,
    });
    label({
      key: `${node.id}:pods-chip`,
      owner: podsChipId(node.id),
      cls: 'chip-label',
      text,
      x: box.x + pad,
      y: box.y + (box.height + f) / 2 - 2,
      anchor: 'start',
    });
    cy += box.height + pad / 2;
  }
  const layers = node.layers.map((l) => {
    const box = { x: x + pad, y: cy, width: inner, height: layerH };
    const base = cy + (layerH + f) / 2 - 2;
    const room = inner - pad - gutter;
    const name = abbreviate(l.label, room, f);
    label({
      key: `${l.id}:label`,
      owner: l.id,
      cls: 'layer-label',
      text: name,
      title: `${l.label}: ${l.detail}`,
      x: box.x + pad / 2,
      y: base,
      anchor: 'start',
    });
    const detailRoom = room - textWidth(name, f) - f;
    if (detailRoom >= 5 * f) {
      const detail = abbreviate(l.detail, detailRoom, f);
      // Only a detail that fits (an address is kept whole by abbreviate, even when too wide).
      if ((detail === l.detail || detail.length >= 8) && textWidth(detail, f) <= detailRoom)
        label({
          key: `${l.id}:detail`,
          owner: l.id,
          cls: 'layer-detail',
          text: detail,
          x: box.x + box.width - gutter,
          y: base,
          anchor: 'end',
        });
    }
    anchors[l.id] = { x: gx, y: cy + layerH / 2 };
    owner[l.id] = node.id;
    cy += layerH + layerGap;
    return { id: l.id, kind: l.kind, box };
  });
  const box = { x, y, width: N, height: cy - y + pad };
  const exit = { x: gx, y: box.y + box.height };
  return {
    id: node.id,
    name: node.name,
    box,
    pods,
    layers,
    ...(badge ? { badge } : {}),
    exit,
    drop: exit,
  };
}
