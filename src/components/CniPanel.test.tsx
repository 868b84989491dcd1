// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CALICO_CONFIG, DEFAULT_CILIUM_CONFIG, type WalkConfig } from '../datapath/config';
import { CNI_TITLE, longModes, shortModes, STAGE_WORDS } from '../scene/words';
import { createAppStore, StoreProvider } from '../store';
import { walk } from '../datapath/walk';
import { loadManifests } from '../engine/parse/load';
import { createEngine } from '../engine/verdict';
import { buildScene } from '../scene/scene';
import { CniPanel } from './CniPanel';

afterEach(cleanup);

const file = 'lessons/scenarios/two-node-basic.yaml';
const CONFIGS: WalkConfig[] = [
  { cni: 'calico', calico: DEFAULT_CALICO_CONFIG },
  { cni: 'cilium', cilium: DEFAULT_CILIUM_CONFIG },
];

/** What the engine answers (the worker runs these same functions: worker/api.ts). */
function engineAnswers() {
  const { cluster } = loadManifests([{ name: file, text: readFileSync(file, 'utf8') }]);
  const engine = createEngine(cluster);
  const packet = { from: 'default/pod-a', to: 'default/pod-c', port: 80, protocol: 'TCP' as const };
  const outcome = (config: WalkConfig) => ({
    ok: true as const,
    result: walk(engine, config, packet),
  });
  return {
    cluster,
    calicoWalk: outcome(CONFIGS[0]!),
    ciliumWalk: outcome(CONFIGS[1]!),
    calicoScene: buildScene(cluster, CONFIGS[0]!),
    ciliumScene: buildScene(cluster, CONFIGS[1]!),
  };
}

describe('CniPanel', () => {
  it('draws the scene the store holds and names the CNI, modes and stage from the word table', () => {
    const { cluster, calicoWalk, calicoScene } = engineAnswers();
    const store = createAppStore({ cluster, walks: { calico: calicoWalk } });
    render(
      <StoreProvider store={store}>
        <CniPanel cni="calico" playback={{ index: 0, stage: 'in-pod', final: false }} />
      </StoreProvider>,
    );
    const region = screen.getByRole('region', { name: CNI_TITLE.calico });
    const svg = screen.getByRole('figure', { name: `${CNI_TITLE.calico} topology` });
    // A cluster and a walk are not enough: the panel builds no scene itself.
    expect(screen.getByText('No scenario loaded yet.')).toBeTruthy();

    act(() => store.getState().setEngineData({ scenes: { calico: calicoScene } }));
    expect(screen.queryByText('No scenario loaded yet.')).toBeNull();
    const veths = [...svg.querySelectorAll('text.veth')].map((t) => t.textContent);
    const drawnVeths = calicoScene.nodes.flatMap((n) => n.pods.map((p) => p.veth));
    expect(veths.length).toBeGreaterThan(0);
    expect(veths.every((v) => drawnVeths.includes(v ?? ''))).toBe(true);

    const mode = region.querySelector('.cni-mode')!;
    expect(mode.textContent).toBe(shortModes(CONFIGS[0]!));
    expect(mode.getAttribute('title')).toBe(longModes(CONFIGS[0]!));
    expect(screen.getByTestId('calico-stage').textContent).toBe(STAGE_WORDS['in-pod'].name);
  });

  it('draws what the engine built, not a scene of its own: a scene for other modes is drawn as given', () => {
    const { cluster, ciliumScene, ciliumWalk } = engineAnswers();
    // The store's Calico slot holds Cilium's answers: the panel draws them as they are (lxc veths).
    const store = createAppStore({
      cluster,
      scenes: { calico: ciliumScene },
      walks: { calico: ciliumWalk },
    });
    render(
      <StoreProvider store={store}>
        <CniPanel cni="calico" playback={{ index: 0, stage: 'in-pod', final: false }} />
      </StoreProvider>,
    );
    const svg = screen.getByRole('figure', { name: `${CNI_TITLE.calico} topology` });
    const names = [...svg.querySelectorAll('text')].map((t) => t.textContent ?? '');
    expect(names.some((n) => n.includes('lxc'))).toBe(true);
    expect(names.some((n) => /^cali[0-9a-f]{11}$/.test(n))).toBe(false);
  });
});
