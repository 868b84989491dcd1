// @vitest-environment jsdom
import { EditorView } from '@codemirror/view';
import { diagnosticCount, forEachDiagnostic } from '@codemirror/lint';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Diagnostic } from '../engine/model';
import {
  changedRange,
  PLAIN_PROBLEMS_MAX,
  PolicyEditor,
  type PolicyEditorProps,
} from './PolicyEditor';

// jsdom has no layout: CodeMirror measures ranges, which jsdom lacks. Stub them here, not in the
// component.
beforeAll(() => {
  const rect = { x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0 };
  const rects = Object.assign([], { item: () => null }) as unknown as DOMRectList;
  Range.prototype.getClientRects ??= () => rects;
  Range.prototype.getBoundingClientRect ??= () => ({ ...rect, toJSON: () => rect }) as DOMRect;
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const SCENARIO_A = [
  'apiVersion: networking.k8s.io/v1',
  'kind: NetworkPolicy',
  'metadata:',
  '  name: deny-all',
  '  namespace: shop',
  'spec:',
  '  podSelector: {}',
].join('\n');

const SCENARIO_B = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: web'].join('\n');

const diag = (
  line: number,
  column: number,
  message: string,
  extra: Partial<Diagnostic> = {},
): Diagnostic => ({
  severity: 'error',
  message,
  pos: { file: 'scenario.yaml', line, column },
  ...extra,
});

function setup(props: Partial<PolicyEditorProps> = {}) {
  const onChange = vi.fn<(text: string) => void>();
  const all: PolicyEditorProps = {
    value: SCENARIO_A,
    diagnostics: [],
    onChange,
    label: 'Scenario manifests',
    ...props,
  };
  const result = render(<PolicyEditor {...all} />);
  const rerender = (next: Partial<PolicyEditorProps>) =>
    result.rerender(<PolicyEditor {...all} {...next} />);
  const content = () => screen.getByRole('textbox', { name: 'Scenario manifests' });
  const view = () => EditorView.findFromDOM(content())!;
  return { onChange, rerender, content, view };
}

describe('PolicyEditor', () => {
  it('shows the value in a labelled, stable, editable CodeMirror', () => {
    const { content, view } = setup();
    expect(screen.getByTestId('policy-editor')).toBeTruthy();
    expect(content().classList.contains('cm-content')).toBe(true);
    expect(content().getAttribute('contenteditable')).toBe('true');
    expect(content().textContent).toContain('kind: NetworkPolicy');
    expect(view().state.doc.toString()).toBe(SCENARIO_A);
    expect(screen.getByText('No problems.')).toBeTruthy();
    expect(screen.queryByRole('list')).toBeNull();
  });

  it('calls onChange with the whole text when the user edits', () => {
    const { onChange, view } = setup();
    act(() => {
      view().dispatch({ changes: { from: 0, insert: '# edited\n' }, userEvent: 'input.type' });
    });
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenLastCalledWith(`# edited\n${SCENARIO_A}`);
  });

  it('replaces the document on an external value change without calling onChange', () => {
    const { onChange, rerender, view, content } = setup();
    rerender({ value: SCENARIO_B });
    expect(view().state.doc.toString()).toBe(SCENARIO_B);
    expect(content().textContent).toContain('kind: Pod');
    expect(onChange).not.toHaveBeenCalled();
    // Undo history still works for the user's own later edits, and those are reported.
    act(() => {
      view().dispatch({ changes: { from: view().state.doc.length, insert: '\n' } });
    });
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it("puts the user's own text back when it returns after a change from outside (Undo of a reset)", () => {
    const { onChange, rerender, view } = setup();
    act(() => {
      view().dispatch({ changes: { from: 0, insert: '# mine\n' }, userEvent: 'input.type' });
    });
    const mine = onChange.mock.lastCall![0];
    rerender({ value: mine }); // the echo
    rerender({ value: SCENARIO_A }); // reset
    expect(view().state.doc.toString()).toBe(SCENARIO_A);
    rerender({ value: mine }); // undo: the very string the editor sent
    expect(view().state.doc.toString()).toBe(`# mine\n${SCENARIO_A}`);
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it('does nothing when the value prop echoes what the user typed', () => {
    const { onChange, rerender, view } = setup();
    act(() => {
      view().dispatch({ changes: { from: 0, insert: 'x' }, selection: { anchor: 1 } });
    });
    rerender({ value: `x${SCENARIO_A}` });
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(view().state.selection.main.head).toBe(1);
  });

  it('lists the diagnostics as "line L:C — message" with object and field', () => {
    setup({
      diagnostics: [
        diag(7, 16, 'expected a map', {
          object: 'NetworkPolicy shop/deny-all',
          field: 'spec.podSelector',
        }),
        diag(2, 7, 'unknown kind', { severity: 'warning' }),
      ],
    });
    const list = screen.getByRole('list', { name: 'Problems: 1 error, 1 warning.' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      'line 7:16 — NetworkPolicy shop/deny-all: spec.podSelector: expected a map',
      'line 2:7 — unknown kind',
    ]);
    expect(items.map((li) => li.dataset.severity)).toEqual(['error', 'warning']);
  });

  it('links a lint warning to the lesson step that teaches it, in the list and the marker', () => {
    const { view } = setup({
      diagnostics: [
        diag(7, 3, 'selects every pod', { severity: 'warning' }),
        diag(6, 1, 'allows nothing', {
          severity: 'warning',
          lint: 'cilium-empty-rule',
          lesson: { href: '#/lessons/07-policy-in-ebpf/10', title: 'Lesson 7: Selected' },
        }),
      ],
    });
    const links = screen.getAllByRole('link');
    expect(links.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['Lesson 7: Selected', '#/lessons/07-policy-in-ebpf/10'],
    ]);
    expect(links[0]!.closest('li')?.textContent).toMatch(/^line 6:1 — allows nothing/);
    const rendered: string[] = [];
    forEachDiagnostic(view().state, (d) => {
      const node = d.renderMessage?.(view()) as HTMLElement | undefined;
      rendered.push(
        node ? `${node.textContent} ${node.querySelector('a')?.getAttribute('href')}` : d.message,
      );
    });
    expect(rendered).toEqual([
      'allows nothing — Lesson 7: Selected #/lessons/07-policy-in-ebpf/10',
      'selects every pod',
    ]);
  });

  it('puts the diagnostics into the editor as lint markers at their line and column', () => {
    const { view } = setup({
      diagnostics: [
        diag(2, 7, 'unknown kind', { object: 'NetworkPolicy shop/deny-all', field: 'kind' }),
        diag(40, 3, 'stale, past the end', { severity: 'warning' }),
        diag(0, 0, 'no position'),
      ],
    });
    const found: { from: number; to: number; severity: string; message: string }[] = [];
    forEachDiagnostic(view().state, (d, from, to) =>
      found.push({ from, to, severity: d.severity, message: d.message }),
    );
    const kindAt = SCENARIO_A.indexOf('NetworkPolicy');
    expect(found).toEqual(
      expect.arrayContaining([
        {
          from: kindAt,
          to: kindAt + 'NetworkPolicy'.length,
          severity: 'error',
          message: 'NetworkPolicy shop/deny-all: kind: unknown kind',
        },
        {
          from: SCENARIO_A.length,
          to: SCENARIO_A.length,
          severity: 'warning',
          message: 'stale, past the end',
        },
        { from: 0, to: 'apiVersion'.length, severity: 'error', message: 'no position' },
      ]),
    );
    expect(found).toHaveLength(3);
    const gutter = screen.getByTestId('policy-editor').querySelector('.cm-gutter-lint');
    expect(gutter?.querySelector('.cm-lint-marker-error')).toBeTruthy();
    expect(gutter?.querySelector('.cm-lint-marker-warning')).toBeTruthy();
  });

  it('replaces the markers when the diagnostics change, and clears them', () => {
    const { rerender, view } = setup({ diagnostics: [diag(2, 1, 'one')] });
    expect(diagnosticCount(view().state)).toBe(1);
    rerender({ diagnostics: [diag(3, 1, 'two'), diag(4, 3, 'three')] });
    expect(diagnosticCount(view().state)).toBe(2);
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'line 3:1 — two',
      'line 4:3 — three',
    ]);
    rerender({ diagnostics: [] });
    expect(diagnosticCount(view().state)).toBe(0);
    expect(screen.getByText('No problems.')).toBeTruthy();
  });

  it('places the markers on the new text when value and diagnostics change together', () => {
    const { rerender, view } = setup({ diagnostics: [diag(7, 3, 'old')] });
    rerender({ value: SCENARIO_B, diagnostics: [diag(4, 9, 'new')] });
    const found: [number, number][] = [];
    forEachDiagnostic(view().state, (_d, from, to) => found.push([from, to]));
    const at = SCENARIO_B.indexOf('web');
    expect(found).toEqual([[at, at + 3]]);
  });

  it('draws a long list of problems only where it is scrolled, each row still a way in', () => {
    // 5,001 warnings (as the 10,000-policy bench has) on the scenario's seven lines.
    const many = Array.from({ length: 5_001 }, (_, i) =>
      diag((i % 7) + 1, 1, `warning ${i}`, { severity: 'warning' }),
    );
    expect(many.length).toBeGreaterThan(PLAIN_PROBLEMS_MAX);
    // jsdom has no layout: the list's box is given the height its CSS gives it (18rem).
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(288);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(400);
    // …and each row the height of one line of text (32 px), as the virtualiser measures it.
    vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockImplementation(function (
      this: HTMLElement,
    ) {
      return this.dataset.index === undefined ? 0 : 32;
    });
    const { view } = setup({ diagnostics: many });
    const list = screen.getByRole('list', { name: 'Problems: 0 errors, 5001 warnings.' });
    const items = within(list).getAllByRole('listitem');
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThan(PLAIN_PROBLEMS_MAX);
    expect(items[0]!.textContent).toBe('line 1:1 — warning 0');
    expect(items.map((li) => li.dataset.index)).toEqual(items.map((_, i) => String(i)));
    fireEvent.click(within(items[3]!).getByRole('button'));
    expect(view().state.doc.lineAt(view().state.selection.main.head).number).toBe(4);
  });

  it('moves the cursor to a problem when its item is clicked', () => {
    const { view, content } = setup({ diagnostics: [diag(4, 9, 'bad name')] });
    fireEvent.click(screen.getByRole('button', { name: /line 4:9 — bad name/ }));
    expect(view().state.selection.main.head).toBe(SCENARIO_A.indexOf('deny-all'));
    expect(document.activeElement).toBe(content());
  });

  it('follows the marker through edits made since the diagnostics arrived', () => {
    const { view } = setup({ diagnostics: [diag(4, 9, 'bad name')] });
    act(() => {
      view().dispatch({ changes: { from: 0, insert: '# a comment\n' } });
    });
    fireEvent.click(screen.getByRole('button', { name: /line 4:9/ }));
    expect(view().state.selection.main.head).toBe(view().state.doc.toString().indexOf('deny-all'));
  });

  it('is read-only on request and takes a new label', () => {
    const { rerender, view } = setup({ readOnly: true });
    const content = screen.getByRole('textbox', { name: 'Scenario manifests' });
    expect(view().state.readOnly).toBe(true);
    expect(content.getAttribute('contenteditable')).toBe('false');
    expect(content.getAttribute('aria-readonly')).toBe('true');
    rerender({ readOnly: false, label: 'Lesson manifests' });
    const relabelled = screen.getByRole('textbox', { name: 'Lesson manifests' });
    expect(relabelled.getAttribute('contenteditable')).toBe('true');
    expect(EditorView.findFromDOM(relabelled)?.state.readOnly).toBe(false);
  });

  it('does not trap Tab: no key binding handles it', () => {
    const { content, view } = setup();
    const event = new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true });
    content().dispatchEvent(event);
    expect(event.defaultPrevented).toBe(false);
    expect(view().state.doc.toString()).toBe(SCENARIO_A);
    expect(screen.getByText(/Tab moves to the next control/).id).toBe(
      content().getAttribute('aria-describedby'),
    );
  });
});

describe('changedRange', () => {
  it('is the one range that differs, so a new value is one small edit', () => {
    expect(changedRange('abcXYZdef', 'abc123def')).toEqual({ from: 3, to: 6, insert: '123' });
    expect(changedRange('a\nb\n', 'a\nnew\nb\n')).toEqual({ from: 2, to: 2, insert: 'new\n' });
    expect(changedRange('same', 'same')).toEqual({ from: 4, to: 4, insert: '' });
    expect(changedRange('aaa', 'aa')).toEqual({ from: 2, to: 3, insert: '' });
    const before = 'kind: A\n---\nkind: B\n';
    const after = 'kind: A\n---\nkind: B\nspec: {}\n';
    const c = changedRange(before, after);
    expect(before.slice(0, c.from) + c.insert + before.slice(c.to)).toBe(after);
  });
});
