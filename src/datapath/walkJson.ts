/**
 * A walk as JSON: the shape `cli walk --json` prints (issue 5, plus `explanation` per hop and
 * `notes`) and the app's "Export ▸ Walk (JSON)" writes, one serialiser for both so they cannot drift.
 */
import type { PacketHeader } from './hop';
import type { WalkResult } from './walk';

const headerJson = (h: PacketHeader) => ({
  proto: h.proto,
  src: h.src,
  dst: h.dst,
  sport: h.sport ?? null,
  dport: h.dport ?? null,
  ...(h.icmp ? { icmpType: h.icmp.type, icmpCode: h.icmp.code } : {}),
  ...(h.ipProtocol !== undefined ? { ipProtocol: h.ipProtocol } : {}),
  ...(h.bytes !== undefined ? { bytes: h.bytes } : {}),
  ...(h.vni !== undefined ? { vni: h.vni } : {}),
  ...(h.spi !== undefined ? { spi: h.spi } : {}),
});

/** The exact JSON shape of issue 5, plus `explanation` per hop and `notes`. */
export function walkJson(r: WalkResult) {
  return {
    cni: r.cni,
    config: r.config,
    verdict: r.verdict,
    dropReason: r.dropReason ?? null,
    hops: r.hops.map((h) => ({
      stage: h.stage,
      node: h.node,
      where: h.where,
      table: h.table ?? '',
      match: h.match ?? '',
      headers: h.headers.map(headerJson),
      cost: { rules: h.cost.rules, lookups: h.cost.lookups },
      explanation: h.explanation,
    })),
    notes: r.notes,
    mtu: r.podMtu,
  };
}

export type WalkJson = ReturnType<typeof walkJson>;
