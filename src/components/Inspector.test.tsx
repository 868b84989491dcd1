// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CALICO_CONFIG, DEFAULT_CILIUM_CONFIG } from '../datapath/config';
import type { Hop } from '../datapath/hop';
import { walk } from '../datapath/walk';
import { loadManifests } from '../engine/parse/load';
import { createEngine } from '../engine/verdict';
import {
  describeHeaderChange,
  formatHeader,
  Highlighted,
  Inspector,
  type InspectorProps,
} from './Inspector';

afterEach(cleanup);

const { cluster } = loadManifests([
  {
    name: 'seed-policies.yaml',
    text: readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8'),
  },
]);
const engine = createEngine(cluster);
const calicoDrop = walk(
  engine,
  { cni: 'calico', calico: { ...DEFAULT_CALICO_CONFIG, encap: 'vxlan' } },
  { from: 'shop/debug', to: 'shop/backend', port: 8080, protocol: 'TCP' },
);
const ciliumOk = walk(
  engine,
  { cni: 'cilium', cilium: DEFAULT_CILIUM_CONFIG },
  { from: 'shop/frontend', to: 'shop/backend', port: 8080, protocol: 'TCP' },
);

function show(hops: readonly Hop[], index: number, extra: Partial<InspectorProps> = {}) {
  return render(
    <Inspector
      cni="calico"
      hop={hops[index]}
      previous={index > 0 ? hops[index - 1] : undefined}
      index={index}
      total={hops.length}
      verdict={undefined}
      {...extra}
    />,
  );
}

describe('Inspector', () => {
  it('is a named region with headings, and says so when there is nothing to inspect', () => {
    show([], 0, { cni: 'cilium' });
    const region = screen.getByRole('region', { name: 'Cilium inspector' });
    expect(within(region).getByRole('heading', { name: 'Cilium inspector' })).toBeTruthy();
    expect(region.textContent).toMatch(/No hop to inspect yet/);
  });

  it('shows where the packet is, the table with every rule tested and the match highlighted', () => {
    const i = calicoDrop.hops.findIndex((h) => h.stage === 'egress-policy');
    const hop = calicoDrop.hops[i]!;
    show(calicoDrop.hops, i);
    const region = screen.getByRole('region', { name: 'Calico inspector' });
    expect(region.textContent).toContain(`Hop ${i + 1} of ${calicoDrop.hops.length}`);
    expect(region.textContent).toContain(hop.node);
    expect(region.textContent).toContain(hop.where);
    expect(region.textContent).toMatch(/Egress policy: the sender’s egress policy is judged/);
    expect(
      within(region).getByRole('heading', { name: `Table consulted: ${hop.table}` }),
    ).toBeTruthy();

    const rows = within(screen.getByRole('group', { name: `Rows of ${hop.table}` }))
      .getAllByRole('row')
      .slice(1);
    expect(rows).toHaveLength(hop.rows!.length);
    const current = rows.filter((r) => r.getAttribute('aria-current') === 'true');
    expect(current).toHaveLength(1);
    expect(current[0]!.textContent).toMatch(/▶ Matched/);
    expect(current[0]!.textContent).toContain(hop.rows!.find((r) => r.state === 'matched')!.text);
    const tested = rows.filter((r) => r.dataset.state === 'tested');
    expect(tested.length).toBe(hop.rows!.length - 1);
    for (const r of tested) expect(r.textContent).toMatch(/• Tested/);

    expect(region.textContent).toContain(`Rules tested${hop.cost.rules}`);
    expect(region.textContent).toContain(hop.explanation);
  });

  it('shows the headers before and after, outer first, with ports and what changed', () => {
    const i = calicoDrop.hops.findIndex((h) => h.stage === 'encapsulation');
    const hop = calicoDrop.hops[i]!;
    show(calicoDrop.hops, i);
    const region = screen.getByRole('region', { name: 'Calico inspector' });
    const lists = within(region).getAllByRole('list');
    const after = within(lists[1]!).getAllByRole('listitem');
    expect(after).toHaveLength(2);
    expect(after[0]!.textContent).toMatch(/^outerVXLAN .*:4789/);
    expect(after[1]!.textContent).toMatch(/^innerTCP 10\.244\.2\.21:\d+ → 10\.244\.1\.10:8080$/);
    expect(within(lists[0]!).getAllByRole('listitem')).toHaveLength(1);
    expect(region.textContent).toMatch(/Encapsulated: VXLAN outer header \(\+50 bytes\) added/);
    expect(hop.headers[0]!.proto).toBe('VXLAN');
  });

  it('ends with the drop reason in the CNI’s words, or with the delivery', () => {
    const last = calicoDrop.hops.length - 1;
    show(calicoDrop.hops, last, {
      verdict: calicoDrop.verdict,
      dropReason: calicoDrop.dropReason!,
    });
    const region = screen.getByRole('region', { name: 'Calico inspector' });
    expect(within(region).getByRole('heading', { name: 'Verdict' })).toBeTruthy();
    expect(region.textContent).toContain(`✗ Dropped: ${calicoDrop.dropReason}`);
    expect(calicoDrop.dropReason).toMatch(/End of tier default/);
    cleanup();

    show(ciliumOk.hops, ciliumOk.hops.length - 1, { cni: 'cilium', verdict: 'delivered' });
    expect(screen.getByRole('region', { name: 'Cilium inspector' }).textContent).toContain(
      '✓ Delivered.',
    );
  });

  it('shows each eBPF map lookup, the deciding one highlighted, and the lookups it cost', () => {
    const i = ciliumOk.hops.findIndex((h) => h.stage === 'egress-policy');
    const hop = ciliumOk.hops[i]!;
    show(ciliumOk.hops, i, { cni: 'cilium' });
    const group = screen.getByRole('group', { name: `Rows of ${hop.table}` });
    const rows = within(group).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(hop.cost.lookups);
    expect(rows.find((r) => r.getAttribute('aria-current') === 'true')!.textContent).toContain(
      hop.match!,
    );
    expect(screen.getByRole('region', { name: 'Cilium inspector' }).textContent).toContain(
      `Map lookups${hop.cost.lookups}`,
    );
  });

  it('scrolls the matching row into the middle of the table, not the page', () => {
    const i = calicoDrop.hops.findIndex((h) => h.stage === 'ingress-policy');
    const rect = vi
      .spyOn(HTMLElement.prototype, 'getBoundingClientRect')
      .mockImplementation(function (this: HTMLElement) {
        const top = this.getAttribute('aria-current') === 'true' ? 500 : 100;
        const height = this.getAttribute('aria-current') === 'true' ? 20 : 200;
        return {
          top,
          height,
          bottom: top + height,
          left: 0,
          right: 0,
          width: 0,
          x: 0,
          y: top,
        } as DOMRect;
      });
    show(calicoDrop.hops, i);
    const hop = calicoDrop.hops[i]!;
    // Row 400px below the box's top; centring it in a 200px box scrolls by 400 - 90.
    expect(screen.getByRole('group', { name: `Rows of ${hop.table}` }).scrollTop).toBe(310);
    rect.mockRestore();
  });

  it('shows a hop without rows as its one matching row', () => {
    const i = ciliumOk.hops.findIndex((h) => h.stage === 'encapsulation');
    const hop = ciliumOk.hops[i]!;
    expect(hop.rows).toBeUndefined();
    show(ciliumOk.hops, i, { cni: 'cilium' });
    const rows = within(screen.getByRole('group', { name: `Rows of ${hop.table}` }))
      .getAllByRole('row')
      .slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.getAttribute('aria-current')).toBe('true');
    expect(rows[0]!.textContent).toContain(hop.match!);
  });
});

describe('header helpers', () => {
  const tcp = { proto: 'TCP', src: '10.0.0.1', sport: 40000, dst: '10.96.0.20', dport: 80 };
  it('formats a header with its ports and what an encapsulation adds', () => {
    expect(formatHeader(tcp)).toBe('TCP 10.0.0.1:40000 → 10.96.0.20:80');
    expect(
      formatHeader({
        proto: 'IPIP',
        src: '192.168.1.5',
        dst: '192.168.1.10',
        ipProtocol: 4,
        bytes: 20,
      }),
    ).toBe('IPIP 192.168.1.5 → 192.168.1.10 (IP proto 4, +20 B)');
  });

  it('says what a hop rewrote', () => {
    expect(describeHeaderChange([tcp], [tcp])).toBe('Headers unchanged by this hop.');
    expect(describeHeaderChange([tcp], [{ ...tcp, dst: '10.244.1.10', dport: 8080 }])).toBe(
      'Rewritten: destination 10.96.0.20:80 → 10.244.1.10:8080.',
    );
    expect(describeHeaderChange([{ proto: 'IPIP', src: 'a', dst: 'b' }, tcp], [tcp])).toBe(
      'Decapsulated: IPIP outer header removed.',
    );
  });
});

describe('Highlighted', () => {
  it('marks every occurrence of the words, taking them literally', () => {
    const { container } = render(
      <p>
        <Highlighted
          text="cali-fw-x then cali-tw-y (a.b) cali-fw-z"
          words={['cali-fw-', '(a.b)']}
        />
      </p>,
    );
    expect([...container.querySelectorAll('mark')].map((m) => m.textContent)).toEqual([
      'cali-fw-',
      '(a.b)',
      'cali-fw-',
    ]);
    expect(container.textContent).toBe('cali-fw-x then cali-tw-y (a.b) cali-fw-z');
  });
});
