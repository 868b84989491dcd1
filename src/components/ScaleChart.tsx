/**
 * The Scale panel (issue 15): the O(N) vs O(1) story measured on the loaded scenario. The policy
 * worker adds up to 10,000 policies of the scenario's shape (engine/sweep.ts) and the charts plot,
 * sample by sample as they arrive, what the compiled models report for the view's packet: Calico's
 * iptables rules tested against Cilium's eBPF map lookups, and what each compiled. Beside them, in
 * a block of its own, the seed article's latency and throughput tables as quoted figures, read from
 * lessons/seed-claims.yaml.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { SweepSample } from '../engine/sweep';
import { MAX_SWEEP_POLICIES, SWEEP_COUNTS } from '../engine/sweepPlan';
import { NO_SOURCE, type SeedClaims } from '../lessons/seedClaims';
import {
  selectCluster,
  selectScaleSweep,
  selectThemePreference,
  useAppActions,
  useAppStore,
  type ScaleSweepState,
} from '../store';
import { createScaleChart, type ScaleChartData } from '../viz/scaleChart';
import { useD3Behaviour } from './hooks/useD3Behaviour';
import { useSize } from './hooks/useSize';
import {
  compiledChart,
  perPacketChart,
  QUOTED_SECTIONS,
  quotedLatencyChart,
  quotedTable,
  type QuotedTable,
} from './scaleChartData';
import './ScaleChart.css';

/** One chart: an `<svg>` d3 draws into, sized to its box, named for screen readers. */
export function ScaleChartSvg({
  data,
  label,
  heightEm,
  testId,
}: {
  data: ScaleChartData;
  label: string;
  /** The chart's height in the panel's font size (so the projector's larger type gets room). */
  heightEm: number;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const size = useSize(box, { width: 360, height: 200 });
  // The projector theme enlarges the root font; the chart's text follows it.
  const theme = useAppStore(selectThemePreference);
  const chart = useD3Behaviour(svg, (el) => createScaleChart({ svg: el }), []);
  useEffect(() => {
    const fontSize = box.current ? parseFloat(getComputedStyle(box.current).fontSize) || 16 : 16;
    const height = Math.round(fontSize * heightEm);
    chart.current?.update(data, { width: size.width, height, fontSize });
  }, [chart, data, size.width, heightEm, theme]);
  return (
    <div ref={box} className="scale-chart" data-testid={testId}>
      <svg ref={svg} role="img" aria-label={label} />
    </div>
  );
}

const STATUS_WORDS: Record<ScaleSweepState['status'], string> = {
  computing: 'Measuring in the policy worker',
  done: 'Measured',
  stopped: 'Stopped',
  failed: 'The sweep failed',
};

function SweepStatus({ sweep }: { sweep: ScaleSweepState | null }) {
  const { stopScaleSweep, measureScaleAgain } = useAppActions();
  if (!sweep) return <p className="scale-status">Waiting for the scenario…</p>;
  const steps = sweep.total > 0 ? ` (step ${sweep.done} of ${sweep.total})` : '';
  return (
    <div className="scale-status" role="status">
      <span>
        {STATUS_WORDS[sweep.status]}
        {sweep.status === 'computing' ? `${steps}…` : ''}
        {sweep.status === 'stopped'
          ? `: ${sweep.samples.length} of ${SWEEP_COUNTS.length} samples.`
          : ''}
        {sweep.status === 'failed' ? `: ${sweep.error ?? 'no reason given'}` : ''}
      </span>
      {sweep.status === 'computing' && sweep.total > 0 && (
        <progress max={sweep.total} value={sweep.done} aria-label="Sweep progress" />
      )}
      {sweep.status === 'computing' ? (
        <button type="button" onClick={stopScaleSweep}>
          Stop
        </button>
      ) : (
        sweep.status !== 'done' && (
          <button type="button" onClick={measureScaleAgain}>
            Measure again
          </button>
        )
      )}
    </div>
  );
}

function FiguresTable({ samples }: { samples: readonly SweepSample[] }) {
  return (
    <details className="scale-figures">
      <summary>The measured figures as a table</summary>
      {/* Wider than a narrow drawer: it scrolls sideways, and a keyboard can scroll it. */}
      <div className="scale-table-scroll" tabIndex={0} role="region" aria-label="Measured figures">
        <table>
          <thead>
            <tr>
              <th scope="col">Policies added</th>
              <th scope="col">Rules tested (iptables)</th>
              <th scope="col">Map lookups (eBPF)</th>
              <th scope="col">iptables chains</th>
              <th scope="col">iptables rules</th>
              <th scope="col">Policy-map entries</th>
            </tr>
          </thead>
          <tbody>
            {samples.map((s) => (
              <tr key={s.added}>
                <th scope="row">{s.added.toLocaleString('en')}</th>
                <td>{s.iptables.rulesTested.toLocaleString('en')}</td>
                <td>{s.ebpf.mapLookups.toLocaleString('en')}</td>
                <td>{s.iptables.chains.toLocaleString('en')}</td>
                <td>{s.iptables.rules.toLocaleString('en')}</td>
                <td>{s.ebpf.policyMapEntries.toLocaleString('en')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function QuotedTableView({ table }: { table: QuotedTable }) {
  const title = `${table.section}, quoted (source: ${table.sources.join('; ')})`;
  return (
    <>
      <p className="scale-quoted-caption" aria-hidden="true">
        {title}
      </p>
      <div className="scale-table-scroll" tabIndex={0} role="region" aria-label={table.section}>
        <table className="scale-quoted-table">
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Article's row</th>
              {table.columns.map((c) => (
                <th scope="col" key={c}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r) => (
              <tr key={r.row}>
                <th scope="row">{r.row}</th>
                {r.cells.map((cell, i) => (
                  <td key={table.columns[i]}>
                    {/* A figure and its unit stay on one line. */}
                    {cell === undefined ? '—' : <q>{cell.replace(/ /g, '\u00a0')}</q>}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** The seed article's figures, quoted: a block that says so, apart from what PacketWalk measures. */
export function QuotedFigures({ load }: { load: () => Promise<SeedClaims> }) {
  const [claims, setClaims] = useState<SeedClaims | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    load().then(
      (c) => live && setClaims(c),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [load]);
  const latency = claims && quotedTable(claims, QUOTED_SECTIONS.latency);
  const throughput = claims && quotedTable(claims, QUOTED_SECTIONS.throughput);
  const latencyChart = latency && quotedLatencyChart(latency);
  return (
    <section
      className="scale-quoted"
      aria-labelledby="scale-quoted-title"
      data-testid="scale-quoted"
    >
      <h3 id="scale-quoted-title">
        <span className="scale-quoted-badge">Quoted</span> Quoted from the seed article, not
        measured here
      </h3>
      {error && <p className="scale-error">The article's figures did not load: {error}</p>}
      {!claims && !error && <p className="scale-status">Loading the article's figures…</p>}
      {claims && (
        <>
          <p className="scale-note">
            <cite>{latency?.article ?? throughput?.article}</cite>. Marked “{NO_SOURCE}” in the fact
            check: the article names no kernel, versions or tool. They are times and bandwidths; the
            charts above are counts from the models.
          </p>
          {latencyChart && (
            <ScaleChartSvg
              data={latencyChart}
              label={`Quoted from the article, not measured: ${latencyChart.series
                .map((s) => `${s.label} ${s.points.map((p) => `${p.y} ms at ${p.x}`).join(', ')}`)
                .join('; ')} NetworkPolicies`}
              heightEm={10.5}
              testId="scale-quoted-chart"
            />
          )}
          {latency && <QuotedTableView table={latency} />}
          {throughput && <QuotedTableView table={throughput} />}
        </>
      )}
    </section>
  );
}

const describe = (data: ScaleChartData): string =>
  data.series
    .map(
      (s) =>
        `${s.label}: ${s.points.map((p) => `${p.y.toLocaleString('en')} at ${p.x.toLocaleString('en')}`).join(', ')}`,
    )
    .join('; ');

export function ScalePanel({ loadFacts }: { loadFacts: () => Promise<SeedClaims> }) {
  const cluster = useAppStore(selectCluster);
  const stored = useAppStore(selectScaleSweep);
  // A sweep of an earlier scenario is not this one's.
  const sweep = stored && stored.cluster === cluster ? stored : null;
  const samples = useMemo(() => sweep?.samples ?? [], [sweep]);
  const perPacket = useMemo(() => perPacketChart(samples, MAX_SWEEP_POLICIES), [samples]);
  const compiled = useMemo(() => compiledChart(samples, MAX_SWEEP_POLICIES), [samples]);
  const first = samples[0];
  const last = samples.at(-1);
  return (
    <section className="side-panel scale-panel" aria-labelledby="scale-title">
      <h2 id="scale-title">Rules tested vs map lookups</h2>
      <SweepStatus sweep={sweep} />
      {samples.length > 0 && (
        <>
          <h3>Per packet, counted by the models</h3>
          <ScaleChartSvg
            data={perPacket}
            label={`Measured per packet. ${describe(perPacket)}`}
            heightEm={12.5}
            testId="scale-chart-packet"
          />
          {first && last && last !== first && (
            <p className="scale-note scale-summary">
              From {first.added.toLocaleString('en')} to {last.added.toLocaleString('en')} policies
              added, Calico tests {first.iptables.rulesTested.toLocaleString('en')} →{' '}
              {last.iptables.rulesTested.toLocaleString('en')} rules; Cilium makes{' '}
              {first.ebpf.mapLookups} → {last.ebpf.mapLookups} map lookups.
            </p>
          )}
        </>
      )}
      {sweep && sweep.status !== 'failed' && (
        <p className="scale-note">
          The walk's packet, <code>{sweep.packet.from}</code> → <code>{sweep.packet.to}</code>{' '}
          {sweep.packet.protocol} {sweep.packet.port}, a connection's first packet (conntrack
          answers the rest), with up to {MAX_SWEEP_POLICIES.toLocaleString('en')} policies of this
          scenario's shape added to its {sweep.basePolicies}: Kubernetes, Cilium and Calico mixed,
          none allowing this packet. Counts, not timings.
        </p>
      )}
      {samples.length > 0 && (
        <>
          <h3>What each model compiled, every node</h3>
          <ScaleChartSvg
            data={compiled}
            label={`What the models compiled, every node. ${describe(compiled)}`}
            heightEm={12.5}
            testId="scale-chart-compiled"
          />
          <FiguresTable samples={samples} />
        </>
      )}
      <QuotedFigures load={loadFacts} />
    </section>
  );
}
