// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConnectivityMatrix,
  type ConnectivityMatrixProps,
  type MatrixCell,
} from './ConnectivityMatrix';

afterEach(cleanup);

const PODS = ['shop/frontend', 'shop/backend', 'shop/api'];
const cell = (
  from: string,
  to: string,
  port: number,
  over: Partial<MatrixCell> = {},
): MatrixCell => ({
  from,
  to,
  port,
  protocol: 'TCP',
  allowed: true,
  reason: 'no policy selects the pod',
  ...over,
});
const CELLS: MatrixCell[] = [
  cell('shop/frontend', 'shop/backend', 8080, {
    reason: 'ingress rule 0 allows app=frontend',
    policy: 'NetworkPolicy shop/allow-frontend',
  }),
  cell('shop/frontend', 'shop/api', 8080, {
    l7: true,
    reason: 'redirected to Envoy on proxy port 10214',
    policy: 'CiliumNetworkPolicy shop/api-l7-policy',
  }),
  cell('shop/api', 'shop/backend', 8080, {
    allowed: false,
    reason: 'Policy denied (133): no entry for identity 258',
    policy: 'NetworkPolicy shop/allow-frontend',
  }),
  cell('shop/backend', 'shop/api', 8080, { allowed: false, reason: 'denied' }),
  cell('shop/backend', 'shop/frontend', 80),
  cell('shop/backend', 'shop/frontend', 443, { allowed: false, reason: 'no rule for 443' }),
];

function show(over: Partial<ConnectivityMatrixProps> = {}) {
  const props: ConnectivityMatrixProps = {
    pods: PODS,
    cells: CELLS,
    cni: 'cilium',
    port: 8080,
    ports: [
      { port: 80, protocol: 'TCP' },
      { port: 443, protocol: 'TCP' },
      { port: 8080, protocol: 'TCP' },
    ],
    onPortChange: vi.fn(),
    onSelect: vi.fn(),
    ...over,
  };
  render(<ConnectivityMatrix {...props} />);
  return props;
}

const gridCell = (row: number, col: number) =>
  screen.getByRole('grid').querySelector<HTMLElement>(`[data-row="${row}"][data-col="${col}"]`)!;

describe('ConnectivityMatrix', () => {
  it('is a pods × pods grid with sources as rows and destinations as columns', () => {
    show();
    const grid = screen.getByRole('grid', { name: 'Cilium connectivity' });
    expect(
      within(grid)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(PODS);
    expect(
      within(grid)
        .getAllByRole('rowheader')
        .map((h) => h.textContent),
    ).toEqual(PODS);
    expect(
      within(grid)
        .getAllByRole('gridcell')
        .filter((c) => c.dataset.row),
    ).toHaveLength(9);
  });

  it('says allowed, denied and redirected in symbols and words, and the diagonal is not applicable', () => {
    show();
    expect(gridCell(0, 1).textContent).toBe('✓8080/TCP allowed');
    expect(gridCell(0, 1).className).toContain('matrix-allowed');
    expect(gridCell(0, 2).textContent).toBe('◐8080/TCP redirected to the L7 proxy');
    expect(gridCell(2, 1).textContent).toBe('✗8080/TCP denied');
    expect(gridCell(2, 1).className).toContain('matrix-denied');
    for (let i = 0; i < PODS.length; i++) {
      expect(gridCell(i, i).textContent).toContain('not applicable: same pod');
      expect(gridCell(i, i).getAttribute('aria-disabled')).toBe('true');
    }
    // No cell for this pair on this port.
    expect(gridCell(1, 0).textContent).toBe('·port 8080 not declared');
  });

  it('shows every declared port of a pair when no port is chosen', () => {
    show({ port: null });
    const marks = [...gridCell(1, 0).querySelectorAll('.matrix-mark')];
    expect(marks.map((m) => m.querySelector('[aria-hidden]')!.textContent)).toEqual([
      '✓80',
      '✗443',
    ]);
    expect(marks.map((m) => m.querySelector('.visually-hidden')!.textContent)).toEqual([
      '80/TCP allowed',
      '443/TCP denied',
    ]);
    expect(gridCell(1, 0).className).toContain('matrix-mixed');
  });

  it('explains the verdict of the hovered or focused cell: deciding policy and reason', () => {
    show();
    fireEvent.mouseEnter(gridCell(2, 1));
    const details = screen.getByText('shop/api → shop/backend').parentElement!;
    expect(details.textContent).toContain(
      '✗ 8080/TCP denied, decided by NetworkPolicy shop/allow-frontend: Policy denied (133): no entry for identity 258',
    );
    fireEvent.mouseLeave(screen.getByRole('grid'));
    fireEvent.focus(gridCell(0, 2));
    expect(screen.getByText('shop/frontend → shop/api').parentElement!.textContent).toContain(
      'decided by CiliumNetworkPolicy shop/api-l7-policy',
    );
  });

  it('sends the clicked cell into the walk, and Enter on the focused one', () => {
    const props = show();
    fireEvent.click(gridCell(2, 1));
    expect(props.onSelect).toHaveBeenLastCalledWith(CELLS[2]);
    fireEvent.keyDown(gridCell(0, 1), { key: 'Enter' });
    expect(props.onSelect).toHaveBeenLastCalledWith(CELLS[0]);
    fireEvent.click(gridCell(1, 1));
    expect(props.onSelect).toHaveBeenCalledTimes(2);
  });

  it('is one tab stop, and the arrow keys move between cells', () => {
    show();
    const stops = () =>
      screen.getAllByRole('gridcell').filter((c) => c.getAttribute('tabindex') === '0');
    expect(stops()).toEqual([gridCell(0, 0)]);
    gridCell(0, 0).focus();
    fireEvent.keyDown(gridCell(0, 0), { key: 'ArrowRight' });
    expect(document.activeElement).toBe(gridCell(0, 1));
    fireEvent.keyDown(gridCell(0, 1), { key: 'ArrowDown' });
    expect(document.activeElement).toBe(gridCell(1, 1));
    fireEvent.keyDown(gridCell(1, 1), { key: 'End' });
    expect(document.activeElement).toBe(gridCell(1, 2));
    fireEvent.keyDown(gridCell(1, 2), { key: 'ArrowRight' });
    expect(document.activeElement).toBe(gridCell(1, 2));
    fireEvent.keyDown(gridCell(1, 2), { key: 'Home', ctrlKey: true });
    expect(document.activeElement).toBe(gridCell(0, 0));
    expect(stops()).toEqual([gridCell(0, 0)]);
  });

  it('chooses the port with the "Matrix port" select', () => {
    const props = show();
    const select = screen.getByRole('combobox', { name: 'Matrix port' }) as HTMLSelectElement;
    expect(select.value).toBe('8080');
    expect([...select.options].map((o) => o.textContent)).toEqual([
      'Every declared port',
      '80/TCP',
      '443/TCP',
      '8080/TCP',
    ]);
    fireEvent.change(select, { target: { value: '443' } });
    expect(props.onPortChange).toHaveBeenLastCalledWith(443);
    fireEvent.change(select, { target: { value: '' } });
    expect(props.onPortChange).toHaveBeenLastCalledWith(null);
  });

  it('marks a cell whose verdict an edit changed, was → now, and Dismiss clears it', () => {
    const onDismissChanges = vi.fn();
    const cells = CELLS.map((c) =>
      c.from === 'shop/api' && c.to === 'shop/backend' ? { ...c, before: 'allowed' as const } : c,
    );
    show({ cells, onDismissChanges });
    // api → backend (row 2, column 1): was allowed, now denied; the others are not marked.
    const changed = gridCell(2, 1);
    expect(changed.className).toContain('matrix-changed');
    expect(changed.textContent).toContain('✓→✗');
    expect(changed.textContent).toContain('8080/TCP denied (was allowed before your edit)');
    expect(gridCell(0, 1).className).not.toContain('matrix-changed');
    expect(screen.getByText(/Since your edit: 1 verdict changed/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(onDismissChanges).toHaveBeenCalledTimes(1);
  });

  it('shows no change line without an edit', () => {
    show();
    expect(screen.queryByText(/Since your edit/)).toBeNull();
    expect(screen.getByRole('grid').querySelector('.matrix-changed')).toBeNull();
  });
});
