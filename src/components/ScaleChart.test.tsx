// @vitest-environment jsdom
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../engine/model';
import { loadManifests } from '../engine/parse/load';
import { SWEEP_COUNTS, sweepScale, type ScaleSweep } from '../engine/sweep';
import { parseLesson } from '../lessons/parse';
import { parseSeedClaims, type SeedClaims } from '../lessons/seedClaims';
import { createAppStore, StoreProvider, type AppStore, type ScaleSweepState } from '../store';
import { ScalePanel } from './ScaleChart';
import {
  millisecondsOf,
  policiesOfRow,
  QUOTED_SECTIONS,
  quotedLatencyChart,
  quotedTable,
} from './scaleChartData';

afterEach(cleanup);

/** lessons/seed-claims.yaml read with the checker the app uses, against the lessons as they are. */
function realClaims(): SeedClaims {
  const lessons = readdirSync('lessons')
    .filter((d) => /^\d{2}-/.test(d))
    .map((id) => {
      const files: Record<string, string> = {};
      for (const name of readdirSync(`lessons/${id}`))
        files[name] = readFileSync(`lessons/${id}/${name}`, 'utf8');
      const lesson = parseLesson({ id, path: `lessons/${id}`, files }).lesson!;
      return { id, steps: lesson.steps.length };
    });
  const r = parseSeedClaims(readFileSync('lessons/seed-claims.yaml', 'utf8'), 'seed-claims.yaml', {
    lessons,
    walkLinkProblems: () => [],
  });
  if (!r.claims) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.claims;
}

const claims = realClaims();
const cluster: Cluster = loadManifests([
  {
    name: 'seed-policies.yaml',
    text: readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8'),
  },
]).cluster;
let sweep: ScaleSweep;
beforeAll(async () => {
  sweep = await sweepScale(cluster, { counts: [0, 10, 100] });
});

/** The sweep of beforeAll as the store holds it once done. */
const measured = (): ScaleSweepState => ({
  cluster,
  packet: sweep.packet,
  basePolicies: sweep.basePolicies,
  samples: sweep.samples,
  done: 3,
  total: 3,
  status: 'done',
});

function renderPanel(store: AppStore) {
  return render(
    <StoreProvider store={store}>
      <ScalePanel loadFacts={() => Promise.resolve(claims)} />
    </StoreProvider>,
  );
}

describe('quoted figures from lessons/seed-claims.yaml', () => {
  it('rebuilds the article latency table, and charts it from the quotes', () => {
    const table = quotedTable(claims, QUOTED_SECTIONS.latency)!;
    const inFile = claims.claims.filter((c) => c.section === QUOTED_SECTIONS.latency);
    expect(table.rows.length * table.columns.length).toBe(inFile.length);
    for (const c of inFile) {
      const r = table.rows.find((row) => row.row === c.row)!;
      expect(r.cells[table.columns.indexOf(c.column!)]).toBe(c.quote);
    }
    expect(table.sources).toEqual(['quoted, no source found']);
    const chart = quotedLatencyChart(table)!;
    expect(chart.series.map((s) => s.cni)).toEqual(['calico', 'cilium']);
    for (const s of chart.series) {
      expect(s.quoted).toBe(true);
      const column = table.columns[chart.series.indexOf(s)]!;
      expect(s.points).toEqual(
        inFile
          .filter((c) => c.column === column)
          .map((c) => ({ x: policiesOfRow(c.row), y: millisecondsOf(c.quote) })),
      );
    }
  });

  it('reads row counts and millisecond quotes, and nothing else', () => {
    expect(policiesOfRow('No NetworkPolicy')).toBe(0);
    expect(policiesOfRow('1000 NetworkPolicies')).toBe(1000);
    expect(policiesOfRow('Pod-to-pod (same node)')).toBeNull();
    expect(millisecondsOf('0.35 ms')).toBe(0.35);
    expect(millisecondsOf('9.2 Gbps')).toBeNull();
  });
});

describe('ScalePanel', () => {
  it('draws both measured series from the sweep, labelled in words with their last figures', async () => {
    const store = createAppStore();
    store.setState({
      cluster,
      scaleSweep: measured(),
    });
    renderPanel(store);
    const chart = screen.getByTestId('scale-chart-packet');
    const marks = (id: string) => chart.querySelectorAll(`[data-series="${id}"] .scale-mark`);
    expect(marks('iptables-rules-tested')).toHaveLength(3);
    expect(marks('ebpf-map-lookups')).toHaveLength(3);
    const last = sweep.samples.at(-1)!;
    const labels = [...chart.querySelectorAll('.scale-label')].map((t) => t.textContent);
    expect(labels[0]).toMatch(
      new RegExp(`^(Calico )?iptables rules( tested)?: ${last.iptables.rulesTested}$`),
    );
    expect(labels[1]).toMatch(
      new RegExp(`^(Cilium )?eBPF (map )?lookups: ${last.ebpf.mapLookups}$`),
    );
    expect(chart.querySelector('svg')!.getAttribute('aria-label')).toContain(
      `${last.iptables.rulesTested.toLocaleString('en')} at 100`,
    );
    expect(screen.getByRole('status').textContent).toMatch(/^Measured/);
    // The figures table holds the same numbers.
    const rows = within(screen.getByRole('region', { name: 'Measured figures' })).getAllByRole(
      'row',
    );
    expect(rows.slice(1).map((r) => r.querySelector('td')!.textContent)).toEqual(
      sweep.samples.map((s) => s.iptables.rulesTested.toLocaleString('en')),
    );
    // The quoted block: labelled, dashed series, the article's quotes as they are.
    // (The chart's element comes with the lazily loaded facts; d3 draws its series just after.)
    const quoted = await screen.findByTestId('scale-quoted-chart');
    await waitFor(() => expect(quoted.querySelectorAll('.scale-series.quoted')).toHaveLength(2));
    const block = screen.getByTestId('scale-quoted');
    expect(within(block).getByRole('heading').textContent).toMatch(
      /Quoted from the seed article, not measured here/,
    );
    const latency = claims.claims.find(
      (c) => c.section === QUOTED_SECTIONS.latency && c.row === '1000 NetworkPolicies',
    )!;
    expect(block.textContent?.replace(/\u00a0/g, ' ')).toContain(latency.quote);
  });

  it('shows progress with a Stop while measuring, and Measure again after a stop', () => {
    const store = createAppStore();
    const computing: ScaleSweepState = {
      ...measured(),
      samples: sweep.samples.slice(0, 1),
      done: 4,
      total: 17,
      status: 'computing',
    };
    store.setState({ cluster, scaleSweep: computing });
    renderPanel(store);
    expect(screen.getByRole('status').textContent).toContain('step 4 of 17');
    act(() => screen.getByRole('button', { name: 'Stop' }).click());
    expect(store.getState().scaleStopRequests).toBe(1);
    act(() => store.getState().setScaleSweep({ ...computing, status: 'stopped' }));
    expect(screen.getByRole('status').textContent).toContain(`1 of ${SWEEP_COUNTS.length} samples`);
    act(() => screen.getByRole('button', { name: 'Measure again' }).click());
    expect(store.getState().scaleRuns).toBe(1);
  });

  it('does not show a sweep of another scenario as this one', () => {
    const store = createAppStore();
    const other = { ...cluster, pods: [...cluster.pods] };
    store.setState({
      cluster: other,
      scaleSweep: measured(),
    });
    renderPanel(store);
    expect(screen.queryByTestId('scale-chart-packet')).toBeNull();
    expect(screen.getByText('Waiting for the scenario…')).toBeTruthy();
  });
});
