// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppStore, StoreProvider } from '../store';
import { ModeSelects, PEERING_UNUSED_IN_VXLAN } from './ModeSelects';

afterEach(cleanup);

function renderSelects() {
  const store = createAppStore();
  render(
    <StoreProvider store={store}>
      <ModeSelects />
    </StoreProvider>,
  );
  return store;
}

const peering = () => screen.getByLabelText<HTMLSelectElement>('Calico BGP peering');

describe('ModeSelects: Calico BGP peering', () => {
  it('is live in the BGP modes, with no hint', () => {
    const store = renderSelects();
    for (const encap of ['none', 'ipip', 'ipip-crosssubnet']) {
      fireEvent.change(screen.getByLabelText('Calico routing'), { target: { value: encap } });
      expect(store.getState().view.calico.encap).toBe(encap);
      expect(peering().disabled).toBe(false);
      expect(screen.queryByText(PEERING_UNUSED_IN_VXLAN.short)).toBeNull();
    }
    fireEvent.change(peering(), { target: { value: 'tor' } });
    expect(store.getState().view.calico.peering).toBe('tor');
  });

  it('is disabled in the VXLAN modes, says why, and keeps its value for the BGP modes', () => {
    const store = renderSelects();
    fireEvent.change(peering(), { target: { value: 'route-reflector' } });
    for (const encap of ['vxlan', 'vxlan-crosssubnet']) {
      fireEvent.change(screen.getByLabelText('Calico routing'), { target: { value: encap } });
      const select = peering();
      expect(select.disabled).toBe(true);
      expect(select.value).toBe('route-reflector');
      const hint = document.getElementById(select.getAttribute('aria-describedby')!)!;
      expect(hint.textContent).toContain('not used in VXLAN mode');
      expect(hint.textContent).toMatch(/calico_backend "vxlan".*no BIRD/);
      expect(select.title).toBe(PEERING_UNUSED_IN_VXLAN.why);
    }
    expect(store.getState().view.calico.peering).toBe('route-reflector');
    fireEvent.change(screen.getByLabelText('Calico routing'), { target: { value: 'ipip' } });
    expect(peering().disabled).toBe(false);
    expect(peering().value).toBe('route-reflector');
    expect(peering().hasAttribute('aria-describedby')).toBe(false);
  });
});
