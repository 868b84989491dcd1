// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AboutModel } from './AboutModel';

afterEach(cleanup);

describe('AboutModel', () => {
  it('says which releases are modelled and that names differ in others', () => {
    render(<AboutModel />);
    const about = screen.getByRole('region', { name: 'About this model' });
    expect(about.textContent).toContain('Models Calico v3.32, Cilium 1.18, Kubernetes 1.33.');
    expect(about.textContent).toMatch(/other versions name some of them differently/);
  });

  it('lists the names that differ in other releases behind a summary', () => {
    render(<AboutModel />);
    const summary = screen.getByText('Names in other versions');
    const details = summary.closest('details')!;
    expect(details.open).toBe(false);
    const items = within(details)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items.some((t) => t?.includes('cali_v4_ct3'))).toBe(true);
    expect(items.some((t) => t?.includes('cilium_policy_v3_'))).toBe(true);
  });
});
