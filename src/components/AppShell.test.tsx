// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppStore, StoreProvider, TimelineProvider } from '../store';
import { AppShell } from './AppShell';

const SCENARIOS = [
  { id: 'seed-policies', title: 'Shop', text: 'kind: Namespace' },
  { id: 'multi-rack', title: 'Racks', text: 'kind: Namespace' },
];

beforeEach(() => {
  vi.stubGlobal('matchMedia', () => ({
    matches: false,
    addEventListener: () => {},
    removeEventListener: () => {},
  }));
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderShell(store = createAppStore()) {
  render(
    <StoreProvider store={store}>
      <TimelineProvider>
        <AppShell scenarios={SCENARIOS} />
      </TimelineProvider>
    </StoreProvider>,
  );
  return store;
}

describe('AppShell', () => {
  it('shows the title, a Calico and a Cilium panel, and the controls by their names', () => {
    renderShell();
    expect(screen.getByRole('heading', { level: 1, name: 'PacketWalk' })).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Calico' })).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Cilium' })).toBeTruthy();
    for (const name of ['Play', 'Step forward', 'Step back', 'Reset']) {
      expect(screen.getByRole('button', { name })).toBeTruthy();
    }
    for (const name of ['Speed', 'Calico routing', 'Calico dataplane', 'Cilium routing']) {
      expect(screen.getByLabelText(name)).toBeTruthy();
    }
  });

  it('says in the footer which releases the model follows', () => {
    renderShell();
    const footer = screen.getByRole('contentinfo');
    expect(footer.textContent).toContain('Models Calico v3.32, Cilium 1.18, Kubernetes 1.33');
  });

  it('cycles the theme preference from the toggle', () => {
    const store = renderShell();
    fireEvent.click(screen.getByRole('button', { name: 'Theme: System' }));
    expect(store.getState().themePreference).toBe('light');
  });

  it('shows one panel in single mode and changes modes through the selects', () => {
    const store = renderShell();
    fireEvent.click(screen.getByRole('button', { name: 'Cilium only', hidden: true }));
    expect(screen.queryByRole('region', { name: 'Calico' })).toBeNull();
    fireEvent.change(screen.getByLabelText('Calico routing'), { target: { value: 'vxlan' } });
    expect(store.getState().view.calico.encap).toBe('vxlan');
    fireEvent.change(screen.getByLabelText('Cilium routing'), { target: { value: 'native' } });
    expect(store.getState().view.cilium.routing).toBe('native');
  });

  it('shows a notice and where the engine runs', () => {
    const store = renderShell();
    act(() => {
      store.getState().setNotice('This link could not be opened');
      store.getState().setEngineMode('worker');
    });
    expect(screen.getByRole('alert').textContent).toContain('This link could not be opened');
    expect(screen.getByText(/running in a Web Worker/)).toBeTruthy();
  });
});
