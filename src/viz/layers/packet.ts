/**
 * The packet layer: the marker (a dot, one dashed ring per outer header) that moves along the
 * drawing's lines, the drop mark at the place of a drop, and the caption line at the top of the
 * drawing that names the outer headers or the outcome, where it never covers other text.
 */
import type { Hop, PacketHeader } from '../../datapath/hop';
import type { Point } from '../layout';
import type { LayerGroup } from './types';

type G = LayerGroup;

/** The outer headers' names: `VXLAN 8472`, `WireGuard 51871 + VXLAN 8472`. */
export function outerLabel(headers: readonly PacketHeader[]): string {
  return headers
    .slice(0, -1)
    .map((h) => (h.dport !== undefined ? `${h.proto} ${h.dport}` : h.proto))
    .join(' + ');
}

const describeHeader = (h: PacketHeader): string =>
  `${h.proto} ${h.src}${h.sport !== undefined ? `:${h.sport}` : ''} → ${h.dst}${h.dport !== undefined ? `:${h.dport}` : ''}`;

export interface PacketLayer {
  moveTo(p: Point): void;
  dress(hop: Hop): void;
  /** The outcome at the hop: the drop mark at `at`, or the delivered caption. */
  outcome(hop: Hop, at: Point, reason: string | undefined): void;
  placeCaption(p: Point, fontSize: number): void;
  hide(): void;
}

export function createPacketLayer(parent: G): PacketLayer {
  const captionGroup = parent.append('g').attr('class', 'packet-caption-group');
  const captionTitle = captionGroup.append('title');
  const caption = captionGroup.append('text').attr('class', 'packet-caption');
  const captionText = caption;
  const done = parent.append('g').attr('class', 'delivered-marker').attr('display', 'none');
  const doneText = done.append('text').attr('class', 'delivered-text').text('✓ delivered');
  const drop = parent.append('g').attr('class', 'drop-marker').attr('display', 'none');
  drop.append('circle').attr('r', 11);
  drop.append('path').attr('d', 'M-5,-5L5,5M5,-5L-5,5');
  const dropTitle = drop.append('title');
  const dropText = parent
    .append('text')
    .attr('class', 'drop-text')
    .attr('display', 'none')
    .text('✕ dropped');
  const marker = parent.append('g').attr('class', 'packet').attr('display', 'none');
  const rings = marker.append('g').attr('class', 'packet-rings');
  marker.append('circle').attr('class', 'packet-core').attr('r', 6);
  const markerTitle = marker.append('title');

  const setCaption = (text: string) => {
    captionText.text(text);
    caption.attr('display', text ? null : 'none');
  };

  return {
    moveTo(p) {
      marker.attr('display', null).attr('transform', `translate(${p.x},${p.y})`);
    },
    dress(hop) {
      const outer = hop.headers.length - 1;
      marker.classed('is-encapsulated', outer > 0);
      rings
        .selectAll('circle')
        .data(Array.from({ length: Math.max(0, Math.min(3, outer)) }, (_, i) => i))
        .join('circle')
        .attr('class', 'packet-ring')
        .attr('r', (i) => 10 + i * 4);
      const names = outer > 0 ? outerLabel(hop.headers) : '';
      caption.classed('packet-label', outer > 0);
      setCaption(names ? `packet in ${names}` : '');
      captionTitle.text(hop.headers.map(describeHeader).join(' / '));
      markerTitle.text(hop.headers.map(describeHeader).join(' / '));
      drop.attr('display', 'none');
      dropText.attr('display', 'none');
      done.attr('display', 'none');
    },
    outcome(hop, at, reason) {
      if (hop.stage === 'dropped') {
        setCaption('');
        drop.attr('display', null).attr('transform', `translate(${at.x},${at.y})`);
        dropTitle.text(`dropped at ${hop.where}: ${reason ?? hop.match ?? ''}`);
        dropText.attr('display', null);
      } else if (hop.stage === 'delivered') {
        setCaption('');
        done.attr('display', null);
      }
    },
    placeCaption(p, fontSize) {
      for (const t of [caption, doneText, dropText])
        t.attr('x', p.x).attr('y', p.y).style('font-size', `${fontSize}px`);
    },
    hide() {
      marker.attr('display', 'none');
      drop.attr('display', 'none');
      dropText.attr('display', 'none');
      done.attr('display', 'none');
      setCaption('');
    },
  };
}
