// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppStore, StoreProvider } from '../store';
import { AppShell } from './AppShell';

afterEach(cleanup);

function renderShell(store = createAppStore()) {
  render(
    <StoreProvider store={store}>
      <AppShell />
    </StoreProvider>,
  );
  return store;
}

describe('AppShell', () => {
  it('shows the title and a Calico and a Cilium panel, each with an empty topology', () => {
    renderShell();
    expect(screen.getByRole('heading', { level: 1, name: 'PacketWalk' })).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Calico' })).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Cilium' })).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Calico topology' })).toBeTruthy();
    expect(screen.getAllByText('No scenario loaded yet.')).toHaveLength(2);
  });

  it('cycles the theme preference from the toggle', () => {
    const store = renderShell();
    fireEvent.click(screen.getByRole('button', { name: 'Theme: System' }));
    expect(store.getState().themePreference).toBe('light');
    expect(screen.getByRole('button', { name: 'Theme: Light' })).toBeTruthy();
  });

  it('shows where the engine runs and its last error', () => {
    const store = renderShell();
    act(() => {
      store.getState().setEngineMode('worker');
      store.getState().setEngineError('The policy worker crashed: boom');
    });
    expect(screen.getByText(/running in a Web Worker/)).toBeTruthy();
    expect(screen.getByRole('status').textContent).toContain('crashed: boom');
  });
});
