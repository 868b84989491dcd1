// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CALICO_CONFIG } from '../datapath/config';
import { walk } from '../datapath/walk';
import { suggestFix } from '../engine/fix';
import { loadManifests } from '../engine/parse/load';
import { createEngine } from '../engine/verdict';
import { createAppStore, StoreProvider } from '../store';
import { FixPanel } from './FixPanel';

afterEach(cleanup);

const SEED = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');
const PACKET = { from: 'shop/debug', to: 'shop/backend', port: 8080, protocol: 'TCP' } as const;

function setup() {
  const { cluster } = loadManifests([{ name: 'seed.yaml', text: SEED }]);
  const result = walk(
    createEngine(cluster),
    { cni: 'calico', calico: DEFAULT_CALICO_CONFIG },
    PACKET,
  );
  const store = createAppStore({ cluster, walks: { calico: { ok: true, result } } });
  render(
    <StoreProvider store={store}>
      <FixPanel cni="calico" />
    </StoreProvider>,
  );
  return store;
}

describe('FixPanel', () => {
  it('says why, asks for a fix in the dialect chosen, applies it and undoes it', () => {
    const store = setup();
    expect(screen.getByTestId('calico-why').textContent).toMatch(/end of tier default/);
    fireEvent.change(screen.getByLabelText('Fix in'), { target: { value: 'calico' } });
    fireEvent.click(screen.getByRole('button', { name: 'Suggest a fix' }));
    const request = store.getState().fixRequest!;
    expect(request).toMatchObject({ cni: 'calico', dialect: 'calico', probe: { port: 8080 } });
    expect(screen.getByText('Looking for the smallest fix…')).toBeTruthy();

    // What the worker answers (app/fixQuery.ts calls this same function there).
    const answer = suggestFix({ name: 'seed.yaml', text: SEED }, request);
    act(() => store.getState().setFixAnswer(answer));
    expect(screen.getByLabelText('The fix as YAML').textContent).toContain('kind: NetworkPolicy');
    expect(screen.getByText(/It opens no other connection/)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Apply to the policies' }));
    expect(answer.ok && store.getState().view.scenarioText).toBe(answer.ok && answer.text);
    expect(store.getState().fixRequest).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Undo the fix' }));
    expect(store.getState().view.scenarioText).toBeNull();
    expect(screen.queryByRole('button', { name: 'Undo the fix' })).toBeNull();
  });

  it('does not apply a fix over an edit made after it was asked', () => {
    const store = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Suggest a fix' }));
    const answer = suggestFix({ name: 'seed.yaml', text: SEED }, store.getState().fixRequest!);
    act(() => {
      store.getState().setScenarioText(`# my edit\n${SEED}`);
      store.getState().setFixAnswer(answer);
    });
    expect(screen.getByText(/The policies changed since the fix was asked/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Apply to the policies' })).toBeNull();
  });

  it('shows why there is no fix', () => {
    const store = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Suggest a fix' }));
    act(() => store.getState().setFixAnswer({ ok: false, error: 'nothing to do' }));
    expect(screen.getByText('No fix: nothing to do')).toBeTruthy();
  });
});
