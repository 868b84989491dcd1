// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppStore, DEFAULT_VIEW, StoreProvider } from '../store';
import { PoliciesPanel } from './PoliciesPanel';

afterEach(cleanup);

const ID = 'gen:pods:10,nodes:1,ns:2,pol:3,mix:100-0-0,seed:1';

function setup() {
  const store = createAppStore({ view: { ...DEFAULT_VIEW, scenarioId: ID } });
  render(
    <StoreProvider store={store}>
      <PoliciesPanel builtInText="# the built-in text" />
    </StoreProvider>,
  );
  return store;
}

describe('PoliciesPanel with a generated scenario', () => {
  it('waits for the worker, offers to generate again after a cancel, then edits the generated text', () => {
    const store = setup();
    expect(screen.getByText('Generating the cluster…')).toBeTruthy();
    act(() => store.getState().setGeneration({ id: ID, status: 'cancelled', done: 5, total: 16 }));
    expect(screen.getByText(/Generating this cluster was cancelled\./)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Generate again' }));
    expect(store.getState().generateRuns).toBe(1);
    // Another scenario's generation says nothing about this one.
    act(() =>
      store.getState().setGeneration({ id: 'gen:other', status: 'failed', done: 0, total: 1 }),
    );
    expect(screen.getByText('Generating the cluster…')).toBeTruthy();
    act(() =>
      store
        .getState()
        .setGeneration({ id: ID, status: 'done', done: 16, total: 16, text: '# generated\n' }),
    );
    expect(screen.getByText('Generated scenario')).toBeTruthy();
    expect(screen.queryByText(/the built-in text/)).toBeNull();
    expect(screen.getByTestId('policy-editor').textContent).toContain('# generated');
  });
});
