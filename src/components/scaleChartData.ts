/**
 * What the Scale panel draws, as data: the sweep's samples as chart series (per packet: rules
 * tested vs map lookups; compiled: rules and chains vs policy-map entries), and the seed article's
 * latency and throughput tables read from lessons/seed-claims.yaml as quoted figures (the claims'
 * quotes, never numbers written here).
 */
import type { SweepSample } from '../engine/sweep';
import type { SeedClaims } from '../lessons/seedClaims';
import type { ScaleChartData } from '../viz/scaleChart';

export const X_LABEL = 'Policies added to this scenario';

export function perPacketChart(samples: readonly SweepSample[], xMax: number): ScaleChartData {
  return {
    xLabel: X_LABEL,
    yLabel: 'Per packet',
    xMax,
    series: [
      {
        id: 'iptables-rules-tested',
        label: 'Calico iptables rules tested',
        shortLabel: 'iptables rules',
        cni: 'calico',
        points: samples.map((s) => ({ x: s.added, y: s.iptables.rulesTested })),
      },
      {
        id: 'ebpf-map-lookups',
        label: 'Cilium eBPF map lookups',
        shortLabel: 'eBPF lookups',
        cni: 'cilium',
        points: samples.map((s) => ({ x: s.added, y: s.ebpf.mapLookups })),
      },
    ],
  };
}

export function compiledChart(samples: readonly SweepSample[], xMax: number): ScaleChartData {
  return {
    xLabel: X_LABEL,
    yLabel: 'Compiled, all nodes',
    xMax,
    series: [
      {
        id: 'iptables-rules',
        label: 'iptables rules',
        cni: 'calico',
        points: samples.map((s) => ({ x: s.added, y: s.iptables.rules })),
      },
      {
        id: 'iptables-chains',
        label: 'iptables chains',
        shortLabel: 'chains',
        cni: 'calico',
        secondary: true,
        points: samples.map((s) => ({ x: s.added, y: s.iptables.chains })),
      },
      {
        id: 'ebpf-policy-map-entries',
        label: 'policy-map entries',
        shortLabel: 'map entries',
        cni: 'cilium',
        points: samples.map((s) => ({ x: s.added, y: s.ebpf.policyMapEntries })),
      },
    ],
  };
}

/** The seed sections the panel quotes, as lessons/seed-claims.yaml names them. */
export const QUOTED_SECTIONS = {
  latency: 'Latency Benchmarks (p99)',
  throughput: 'Throughput Benchmarks',
} as const;

export interface QuotedTable {
  readonly article: string;
  readonly section: string;
  readonly columns: readonly string[];
  /** Rows in the article's order; a cell is the claim's quote, or absent. */
  readonly rows: readonly {
    readonly row: string;
    readonly cells: readonly (string | undefined)[];
  }[];
  /** The claims' source (all "quoted, no source found" today). */
  readonly sources: readonly string[];
}

/** One section of the claims as the article's table: rows and columns in first-seen order. */
export function quotedTable(claims: SeedClaims, section: string): QuotedTable | null {
  const inSection = claims.claims.filter((c) => c.section === section);
  if (inSection.length === 0) return null;
  const columns = [...new Set(inSection.map((c) => c.column ?? ''))];
  const rows = [...new Set(inSection.map((c) => c.row))].map((row) => ({
    row,
    cells: columns.map(
      (col) => inSection.find((c) => c.row === row && (c.column ?? '') === col)?.quote,
    ),
  }));
  return {
    article: inSection[0]!.article,
    section,
    columns,
    rows,
    sources: [...new Set(inSection.map((c) => c.source))],
  };
}

/** "1000 NetworkPolicies" -> 1000, "No NetworkPolicy" -> 0; null when the row names no count. */
export function policiesOfRow(row: string): number | null {
  if (/^no\b/i.test(row)) return 0;
  const m = /^(\d[\d,]*)\s/.exec(row);
  return m ? Number(m[1]!.replace(/,/g, '')) : null;
}

/** "1.2 ms" -> 1.2 (ms); null for anything else. */
export function millisecondsOf(quote: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*ms$/.exec(quote.trim());
  return m ? Number(m[1]) : null;
}

/** The quoted latency table as dashed series (ms against the policies its rows name). */
export function quotedLatencyChart(table: QuotedTable): ScaleChartData | null {
  const cniOf = (column: string): 'calico' | 'cilium' | null =>
    /calico/i.test(column) ? 'calico' : /cilium/i.test(column) ? 'cilium' : null;
  const series = table.columns.flatMap((column, i) => {
    const cni = cniOf(column);
    if (!cni) return [];
    const points = table.rows.flatMap((r) => {
      const x = policiesOfRow(r.row);
      const y = r.cells[i] === undefined ? null : millisecondsOf(r.cells[i]!);
      return x === null || y === null ? [] : [{ x, y }];
    });
    return points.length > 0
      ? [
          {
            id: `quoted-${cni}`,
            label: `${column} p99, quoted`,
            shortLabel: `${column.replace(/\s*\(.*\)$/, '')}, quoted`,
            cni,
            points,
            quoted: true,
          },
        ]
      : [];
  });
  if (series.length === 0) return null;
  return {
    xLabel: 'NetworkPolicies (article)',
    yLabel: 'p99 ms (quoted)',
    xMax: Math.max(...series.flatMap((s) => s.points.map((p) => p.x))),
    series,
    yFormat: (v) => `${v} ms`,
  };
}
