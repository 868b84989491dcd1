// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { createRef, type ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CALICO_CONFIG, type WalkConfig } from '../datapath/config';
import { placeHop } from '../scene/place';
import { buildScene } from '../scene/scene';
import { walk } from '../datapath/walk';
import { loadManifests } from '../engine/parse/load';
import { createEngine } from '../engine/verdict';
import { StoreProvider } from '../store';
import { TopologyView, moveDuration, type TopologyViewHandle } from './TopologyView';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const file = 'lessons/scenarios/two-node-basic.yaml';
const { cluster } = loadManifests([{ name: file, text: readFileSync(file, 'utf8') }]);
const engine = createEngine(cluster);
const config: WalkConfig = { cni: 'calico', calico: DEFAULT_CALICO_CONFIG };
const scene = buildScene(cluster, config);
const result = walk(engine, config, {
  from: 'default/pod-a',
  to: 'default/pod-c',
  port: 80,
  protocol: 'TCP',
});

function reducedMotion(matches: boolean) {
  vi.stubGlobal('matchMedia', (query: string) => ({
    matches: matches && query.includes('reduce'),
    media: query,
    addEventListener: () => {},
    removeEventListener: () => {},
  }));
}

/** The app's store around the view (it reads whether presenter mode is on). */
const inStore = {
  wrapper: ({ children }: { children: ReactNode }) => <StoreProvider>{children}</StoreProvider>,
};

const currentId = (svg: Element) => svg.querySelector('.is-current')?.getAttribute('data-id');

describe('TopologyView', () => {
  it('draws the scene in an accessible svg, and says so when there is none', () => {
    const { rerender } = render(
      <TopologyView label="Calico topology" scene={null} hops={[]} index={0} />,
      inStore,
    );
    expect(screen.getByRole('figure', { name: 'Calico topology' })).toBeTruthy();
    expect(screen.getByText('No scenario loaded yet.')).toBeTruthy();
    rerender(<TopologyView label="Calico topology" scene={scene} hops={[]} index={0} />);
    expect(screen.queryByText('No scenario loaded yet.')).toBeNull();
    const svg = screen.getByRole('figure', { name: 'Calico topology' });
    // No walk: the nodes are chips.
    expect(svg.querySelectorAll('g.chip-node')).toHaveLength(scene.nodes.length);
    rerender(<TopologyView label="Calico topology" scene={scene} hops={result.hops} index={0} />);
    // The walk's two nodes in full, with the pods on its path.
    expect([...svg.querySelectorAll('text.node-name')].map((t) => t.textContent)).toEqual([
      'node-1',
      'node-2',
    ]);
    const veths = [...svg.querySelectorAll('text.veth')].map((t) => t.textContent);
    expect(veths).toHaveLength(2);
    expect(veths.every((v) => /^cali[0-9a-f]{11}$/.test(v ?? ''))).toBe(true);
    rerender(<TopologyView label="Calico topology" scene={scene} hops={[]} index={0} />);
    // No walk: no packet.
    expect(svg.querySelector('g.packet')?.getAttribute('display')).toBe('none');
  });

  it('moves the packet to the hop at the index (in steps with reduced motion)', () => {
    reducedMotion(true);
    const { rerender } = render(
      <TopologyView label="Calico topology" scene={scene} hops={result.hops} index={0} />,
      inStore,
    );
    const svg = screen.getByRole('figure', { name: 'Calico topology' });
    expect(currentId(svg)).toBe(placeHop(scene, result.hops[0]!).id);
    expect(currentId(svg)).toBe('pod:default/pod-a');
    const wire = result.hops.findIndex((h) => h.stage === 'wire');
    rerender(
      <TopologyView label="Calico topology" scene={scene} hops={result.hops} index={wire} />,
    );
    expect(currentId(svg)).toBe(placeHop(scene, result.hops[wire]!).id);
    // IPIP on the wire: the marker wears the outer header.
    expect(svg.querySelector('text.packet-label')?.textContent).toBe('packet in IPIP');
    const last = result.hops.length - 1;
    rerender(
      <TopologyView label="Calico topology" scene={scene} hops={result.hops} index={last} />,
    );
    expect(currentId(svg)).toBe('pod:default/pod-c');
    expect(svg.querySelector('g.delivered-marker')?.getAttribute('display')).toBeNull();
  });

  it('animates with requestAnimationFrame when motion is allowed', () => {
    reducedMotion(false);
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => frames.push(cb));
    vi.stubGlobal('cancelAnimationFrame', () => {});
    const { rerender } = render(
      <TopologyView label="Calico topology" scene={scene} hops={result.hops} index={0} />,
      inStore,
    );
    const svg = screen.getByRole('figure', { name: 'Calico topology' });
    const start = svg.querySelector('g.packet')!.getAttribute('transform');
    rerender(<TopologyView label="Calico topology" scene={scene} hops={result.hops} index={1} />);
    expect(frames.length).toBeGreaterThan(0);
    act(() => {
      frames.splice(0).forEach((cb) => cb(0));
      frames.splice(0).forEach((cb) => cb(moveDuration(1) / 2));
    });
    const midway = svg.querySelector('g.packet')!.getAttribute('transform');
    expect(midway).not.toBe(start);
    act(() => frames.splice(0).forEach((cb) => cb(10_000)));
    expect(frames).toHaveLength(0);
    expect(svg.querySelector('g.packet')!.getAttribute('transform')).not.toBe(midway);
  });

  it('zooms from its buttons and its handle, and cleans up on unmount', async () => {
    const ref = createRef<TopologyViewHandle>();
    const { unmount } = render(
      <TopologyView label="Cilium topology" scene={scene} hops={result.hops} index={2} ref={ref} />,
      inStore,
    );
    const svg = screen.getByRole('figure', { name: 'Cilium topology' });
    const viewport = svg.querySelector('g.viewport')!;
    // Pan/zoom loads on demand; the drawing stays hidden until it is here and has framed it.
    expect(viewport.getAttribute('visibility')).toBe('hidden');
    await waitFor(() => expect(viewport.hasAttribute('visibility')).toBe(false));
    const fitted = viewport.getAttribute('transform');
    expect(fitted).not.toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in on the Cilium topology' }));
    expect(viewport.getAttribute('transform')).not.toBe(fitted);
    fireEvent.click(screen.getByRole('button', { name: 'Fit the Cilium topology' }));
    expect(viewport.getAttribute('transform')).toBe(fitted);
    act(() => ref.current!.zoomBy(0.5));
    expect(viewport.getAttribute('transform')).not.toBe(fitted);
    act(() => ref.current!.resetZoom());
    expect(viewport.getAttribute('transform')).toBe(fitted);
    unmount();
    expect(svg.querySelector('g.topology')).toBeNull();
  });

  it('draws labels at 16 px in presenter mode (and 11 px in the walk view)', () => {
    const fonts = (presenting: boolean) => {
      const { unmount } = render(
        <StoreProvider
          initial={
            presenting ? { route: { page: 'lesson', lessonId: 'l', step: 0, mode: 'present' } } : {}
          }
        >
          <TopologyView label="Calico topology" scene={scene} hops={result.hops} index={0} />
        </StoreProvider>,
      );
      const svg = screen.getByRole('figure', { name: 'Calico topology' });
      const sizes = [...svg.querySelectorAll('text')]
        .map((t) => parseFloat((t as SVGTextElement).style.fontSize))
        .filter((x) => !Number.isNaN(x));
      unmount();
      return sizes;
    };
    const walkView = fonts(false);
    const presenter = fonts(true);
    expect(walkView.length).toBeGreaterThan(10);
    expect(Math.min(...walkView)).toBeCloseTo(11, 5);
    expect(Math.min(...presenter)).toBeGreaterThanOrEqual(16 - 1e-9);
  });
});
