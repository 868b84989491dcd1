// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppStore, StoreProvider, TimelineProvider, type Route } from '../store';
import { AppShell } from './AppShell';
import { COMMANDS, commandFor, shownKeys, type CommandContext } from './commands';
import { useCommands } from './useCommands';

function context(route: Route = { page: 'walk' }) {
  const calls: string[] = [];
  const ctx: CommandContext = {
    route,
    playback: {
      toggle: () => calls.push('toggle'),
      stepForward: () => calls.push('forward'),
      stepBack: () => calls.push('back'),
      reset: () => calls.push('reset'),
    },
    lessonSteps: 5,
    goToLessonStep: (s) => calls.push(`lesson ${s}`),
    presenter: null,
    openHelp: () => calls.push('help'),
  };
  return { ctx, calls };
}

function Harness({ ctx, paused = false }: { ctx: CommandContext; paused?: boolean }) {
  useCommands(ctx, paused);
  return (
    <div>
      <button type="button">Step forward</button>
      <input aria-label="Port" type="number" />
      <input aria-label="Speed" type="range" />
      <textarea aria-label="Notes" />
      <select aria-label="Routing">
        <option>a</option>
        <option>b</option>
      </select>
      <div className="cm-editor">
        <div className="cm-content" contentEditable suppressContentEditableWarning>
          kind: Pod
        </div>
      </div>
    </div>
  );
}

afterEach(cleanup);

describe('the commands table', () => {
  it('has unique ids, and no key runs two commands in the same place', () => {
    expect(new Set(COMMANDS.map((c) => c.id)).size).toBe(COMMANDS.length);
    for (const route of [
      { page: 'walk' },
      { page: 'lessons' },
      { page: 'facts' },
      { page: 'lesson', lessonId: 'x', step: 1 },
      { page: 'lesson', lessonId: 'x', step: 1, mode: 'present' },
    ] as Route[]) {
      const { ctx } = context(route);
      const live = COMMANDS.filter((c) => c.when({ ...ctx, presenter: {} as never }));
      const keys = live.flatMap((c) => c.keys);
      expect(new Set(keys).size, JSON.stringify(route)).toBe(keys.length);
    }
  });

  it('runs no playback command on the reading pages (the lesson list, the fact check)', () => {
    const playback = COMMANDS.filter((c) => c.group === 'Playback');
    expect(playback.length).toBeGreaterThan(0);
    for (const c of playback) {
      expect(c.when(context({ page: 'walk' }).ctx), c.id).toBe(true);
      expect(c.when(context({ page: 'lessons' }).ctx), c.id).toBe(false);
      expect(c.when(context({ page: 'facts' }).ctx), c.id).toBe(false);
    }
  });

  it('shows keys by their names', () => {
    const play = COMMANDS.find((c) => c.id === 'play-pause')!;
    expect(shownKeys(play)).toEqual(['Space']);
    expect(shownKeys(COMMANDS.find((c) => c.id === 'present-fullscreen')!)).toEqual(['F']);
  });

  it('leaves a key with a modifier, or one a control already handled, alone', () => {
    const { ctx } = context();
    const base = {
      key: 'ArrowRight',
      altKey: false,
      ctrlKey: false,
      metaKey: false,
      defaultPrevented: false,
      target: document.body,
    };
    expect(commandFor(base, ctx)?.id).toBe('step-forward');
    expect(commandFor({ ...base, ctrlKey: true }, ctx)).toBeUndefined();
    expect(commandFor({ ...base, defaultPrevented: true }, ctx)).toBeUndefined();
  });
});

describe('the key handler', () => {
  beforeEach(() => {
    const { ctx, calls } = context();
    render(<Harness ctx={ctx} />);
    (globalThis as { calls?: string[] }).calls = calls;
  });
  const calls = () => (globalThis as { calls?: string[] }).calls!;

  it('fires on the page and on a focused button, and Space on a button does not click it', () => {
    fireEvent.keyDown(document.body, { key: 'ArrowRight' });
    const button = screen.getByRole('button', { name: 'Step forward' });
    button.focus();
    expect(fireEvent.keyDown(button, { key: 'ArrowLeft' })).toBe(false);
    expect(fireEvent.keyDown(button, { key: ' ' })).toBe(false);
    // The key-up of a Space the shortcut took is cancelled, so the button does not activate too.
    expect(fireEvent.keyUp(button, { key: ' ' })).toBe(false);
    fireEvent.keyDown(button, { key: 'r' });
    expect(calls()).toEqual(['forward', 'back', 'toggle', 'reset']);
  });

  it.each([
    ['a number field', 'Port'],
    ['a slider', 'Speed'],
    ['a text area', 'Notes'],
    ['a select', 'Routing'],
  ])('ignores keys in %s and leaves them to it (not prevented)', (_, label) => {
    const field = screen.getByLabelText(label);
    for (const key of ['ArrowRight', 'ArrowLeft', ' ', 'r', '?'])
      expect(fireEvent.keyDown(field, { key })).toBe(true);
    expect(calls()).toEqual([]);
  });

  it('ignores keys in the editor', () => {
    const editor = document.querySelector('.cm-content')!;
    expect(fireEvent.keyDown(editor, { key: 'ArrowRight' })).toBe(true);
    expect(fireEvent.keyDown(editor, { key: ' ' })).toBe(true);
    expect(calls()).toEqual([]);
  });

  it('opens the help with ?', () => {
    fireEvent.keyDown(document.body, { key: '?', shiftKey: true });
    expect(calls()).toEqual(['help']);
  });
});

describe('the key handler in a lesson', () => {
  it('moves between lesson steps with n and p, within the lesson', () => {
    const { ctx, calls } = context({ page: 'lesson', lessonId: 'x', step: 4 });
    render(<Harness ctx={ctx} />);
    fireEvent.keyDown(document.body, { key: 'n' });
    fireEvent.keyDown(document.body, { key: 'p' });
    fireEvent.keyDown(document.body, { key: 'ArrowRight' });
    expect(calls).toEqual(['lesson 3', 'forward']);
  });

  it('is silent while paused (a dialog owns the keyboard)', () => {
    const { ctx, calls } = context();
    render(<Harness ctx={ctx} paused />);
    fireEvent.keyDown(document.body, { key: 'ArrowRight' });
    expect(calls).toEqual([]);
  });
});

describe('the help dialog', () => {
  beforeEach(() => {
    vi.stubGlobal('matchMedia', () => ({
      matches: false,
      addEventListener: () => {},
      removeEventListener: () => {},
    }));
  });
  afterEach(() => vi.unstubAllGlobals());

  it('opens with ?, lists every command and the legend, keeps focus, closes with Escape', async () => {
    render(
      <StoreProvider store={createAppStore()}>
        <TimelineProvider>
          <AppShell scenarios={[{ id: 'seed-policies', title: 'Shop', text: 'kind: Namespace' }]} />
        </TimelineProvider>
      </StoreProvider>,
    );
    expect(screen.queryByRole('dialog')).toBeNull();
    const opener = screen.getByRole('button', { name: 'Reset' });
    opener.focus();
    act(() => {
      fireEvent.keyDown(opener, { key: '?', shiftKey: true });
    });
    // The help is a lazy view: it appears once its chunk has loaded.
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts and legend' });
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Close' })),
    );
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    for (const c of COMMANDS) expect(dialog.textContent).toContain(c.label);
    for (const name of ['veth', 'BGP session', 'RR badge', 'Outer-header rings', 'Verdict marks'])
      expect(dialog.textContent).toContain(name);
    const close = screen.getByRole('button', { name: 'Close' });
    expect(document.activeElement).toBe(close);
    // Tab from the last focusable element wraps to the first: the only one is Close.
    fireEvent.keyDown(close, { key: 'Tab' });
    expect(document.activeElement).toBe(close);
    // While open, shortcuts do not act behind it.
    fireEvent.keyDown(close, { key: 'ArrowRight' });
    fireEvent.keyDown(close, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
