// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CALICO_CONFIG, DEFAULT_CILIUM_CONFIG } from '../datapath/config';
import { runFlows, type FlowsData } from '../datapath/flows/flowsData';
import { createAppStore, StoreProvider, TimelineProvider, type AppStore } from '../store';
import { engineFor } from '../test/scenarios';
import { ServiceMapView } from './ServiceMapView';

afterEach(cleanup);

let data: FlowsData;
beforeAll(async () => {
  data = (await runFlows(engineFor('seed-policies.yaml'), {
    configs: { calico: DEFAULT_CALICO_CONFIG, cilium: DEFAULT_CILIUM_CONFIG },
  }))!;
}, 60_000);

function renderView(d: FlowsData | undefined, store: AppStore = createAppStore()) {
  const view = render(
    <StoreProvider store={store}>
      <TimelineProvider>
        <ServiceMapView data={d} />
      </TimelineProvider>
    </StoreProvider>,
  );
  return { store, view };
}

const edgeButtons = () =>
  [...document.querySelectorAll<SVGGElement>('g.sm-edge')].filter(
    (g) => g.getAttribute('role') === 'button',
  );

describe('ServiceMapView', () => {
  it('says the traffic is running while there is no data', () => {
    renderView(undefined);
    expect(screen.getByText('Running traffic…')).toBeTruthy();
    expect(document.querySelector('svg.service-map')).toBeNull();
  });

  it('draws the map of the CNI chosen: boxes in their namespace, one button per edge', () => {
    const { store } = renderView(data);
    expect(store.getState().view.flows.mapCni).toBe('cilium');
    const map = data.maps.cilium;
    const drawn = [...document.querySelectorAll('g.sm-box')].map((g) => g.getAttribute('data-box'));
    expect(drawn.sort()).toEqual(map.boxes.map((b) => b.id).sort());
    expect(document.querySelector('.sm-group-label')?.textContent).toBe('namespace shop');
    const frontend = document.querySelector('g.sm-box[data-box="workload:shop/frontend"]')!;
    expect(frontend.querySelector('.sm-box-name')?.textContent).toBe('frontend');
    expect(frontend.querySelector('.sm-box-detail')?.textContent).toBe('1 pod');
    expect(edgeButtons().map((g) => g.getAttribute('data-edge'))).toEqual(
      map.edges.map((e) => e.id),
    );
    const workloads = map.boxes.filter((b) => b.kind === 'workload').length;
    expect(screen.getByText(`${workloads} workloads, ${map.edges.length} edges`)).toBeTruthy();
    // A mixed edge says both counts in its name; a dropped one is dashed by its class.
    const mixed = map.edges.find((e) => e.forwarded > 0 && e.dropped > 0)!;
    const g = document.querySelector(`g.sm-edge[data-edge="${mixed.id}"]`)!;
    expect(g.getAttribute('data-verdict')).toBe('mixed');
    expect(g.getAttribute('aria-label')).toBe(
      `shop/frontend to shop/api: ${mixed.forwarded} forwarded, ${mixed.dropped} dropped, ports ${mixed.ports.join(', ')}`,
    );
    expect(g.getAttribute('tabindex')).toBe('0');
  });

  it('lists an edge’s connections when it is clicked, with the door of each', () => {
    renderView(data);
    const map = data.maps.cilium;
    const edge = map.edges.find((e) => e.dropped > 0 && e.connections.length > 1)!;
    const g = document.querySelector(`g.sm-edge[data-edge="${edge.id}"]`)!;
    act(() => {
      fireEvent.click(g);
    });
    expect(g.getAttribute('aria-pressed')).toBe('true');
    const region = screen.getByRole('region', { name: 'Flows of the selected edge' });
    const items = within(region).getAllByRole('listitem');
    expect(items).toHaveLength(edge.connections.length);
    for (const [i, id] of edge.connections.entries()) {
      const row = data.rows.find((r) => r.id === id)!;
      const verdict =
        'error' in row.cilium
          ? 'NOT WALKED'
          : row.cilium.verdict === 'delivered'
            ? 'FORWARDED'
            : 'DROPPED';
      expect(items[i]!.getAttribute('data-verdict')).toBe(verdict);
      expect(items[i]!.textContent).toContain(`${row.packet.from} → ${row.packet.to}`);
      expect(within(items[i]!).getByRole('button', { name: 'Walk this packet' })).toBeTruthy();
      expect(within(items[i]!).getByRole('button', { name: 'Dataplane rows' })).toBeTruthy();
    }
    expect(items.filter((li) => li.getAttribute('data-verdict') === 'DROPPED')).toHaveLength(
      edge.dropped,
    );
  });

  it('selects an edge with Enter, and follows the CNI switch to the other map', () => {
    const { store } = renderView(data);
    const first = edgeButtons()[0]!;
    act(() => {
      fireEvent.keyDown(first, { key: 'Enter' });
    });
    expect(first.getAttribute('aria-pressed')).toBe('true');
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Calico' }));
    });
    expect(store.getState().view.flows.mapCni).toBe('calico');
    // Calico's verdicts differ from Cilium's on this scenario: the edges say Calico's counts.
    const calico = data.maps.calico;
    for (const e of calico.edges) {
      const g = document.querySelector(`g.sm-edge[data-edge="${e.id}"]`)!;
      expect(g.getAttribute('aria-label')).toContain(
        `${e.forwarded} forwarded, ${e.dropped} dropped`,
      );
    }
    expect(calico.edges.some((e, i) => e.dropped !== data.maps.cilium.edges[i]!.dropped)).toBe(
      true,
    );
    // The selection is per edge id: the same edge stays selected, listed with Calico's verdicts.
    const listed = screen.getAllByRole('listitem').filter((li) => li.classList.contains('sm-flow'));
    const edge = calico.edges.find((e) => e.id === first.getAttribute('data-edge'))!;
    expect(listed).toHaveLength(edge.connections.length);
  });

  it('says when the run has no edges', () => {
    const empty: FlowsData = {
      ...data,
      rows: [],
      maps: {
        calico: { cni: 'calico', namespaces: [], boxes: [], edges: [] },
        cilium: { cni: 'cilium', namespaces: [], boxes: [], edges: [] },
      },
    };
    renderView(empty);
    expect(screen.getByText('No traffic in this run: the map has no edges.')).toBeTruthy();
    expect(screen.getByText('0 workloads, 0 edges')).toBeTruthy();
  });
});
