// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Hop } from '../datapath/hop';
import { place } from '../datapath/place';
import { Inspector } from './Inspector';

afterEach(cleanup);

const hop = (rows: Hop['rows']): Hop => ({
  stage: 'egress-policy',
  node: 'node-1',
  place: place.layer('node-1', 'iptables', 'netfilter'),
  where: 'FORWARD → cali-FORWARD → cali-fw-cali1',
  table: 'cali-fw-cali1',
  match: '-A cali-fw-cali1 -j ACCEPT',
  rows,
  headers: [],
  cost: { rules: 2, lookups: 0 },
  explanation: 'x',
});

const show = (h: Hop) =>
  render(
    <Inspector cni="calico" hop={h} previous={undefined} index={0} total={1} verdict={undefined} />,
  );

describe('Inspector rows with chains', () => {
  it('shows a Chain column with each row’s chain when the rows carry one', () => {
    show(
      hop([
        { text: '-A FORWARD -j cali-FORWARD', state: 'tested', chain: 'FORWARD' },
        { text: '-A cali-fw-cali1 -j ACCEPT', state: 'matched', chain: 'cali-fw-cali1' },
      ]),
    );
    const group = screen.getByRole('group', { name: 'Rows of cali-fw-cali1' });
    const [head, ...rows] = within(group).getAllByRole('row');
    expect(within(head!).getByRole('columnheader', { name: 'Chain' })).toBeTruthy();
    expect(rows.map((r) => within(r).getAllByRole('cell')[1]!.textContent)).toEqual([
      'FORWARD',
      'cali-fw-cali1',
    ]);
  });

  it('has no Chain column when no row names a chain', () => {
    show(hop([{ text: '10.0.0.0/24 dev eth0', state: 'matched' }]));
    const group = screen.getByRole('group', { name: 'Rows of cali-fw-cali1' });
    expect(within(group).queryByRole('columnheader', { name: 'Chain' })).toBeNull();
  });
});
