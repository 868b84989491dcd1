// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppStore, DEFAULT_VIEW, StoreProvider } from '../store';
import { PoliciesPanel } from './PoliciesPanel';
import { UNDO_WINDOW_MS, UndoNotice } from './UndoNotice';

// Only the clock's timers: the editor measures itself on animation frames, which jsdom lacks.
beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function setup(text: string | null = '# my edit\n') {
  const store = createAppStore({ view: { ...DEFAULT_VIEW, scenarioText: text } });
  render(
    <StoreProvider store={store}>
      <UndoNotice clock />
      <PoliciesPanel builtInText="# the built-in text" />
    </StoreProvider>,
  );
  return store;
}

describe('Reset scenario and its Undo', () => {
  it('asks first; Cancel keeps the edit, Discard edits resets, Undo brings the edit back', () => {
    const store = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Reset scenario' }));
    expect(screen.getByRole('group', { name: 'Reset scenario?' })).toBeTruthy();
    expect(store.getState().view.scenarioText).toBe('# my edit\n');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(store.getState().view.scenarioText).toBe('# my edit\n');

    fireEvent.click(screen.getByRole('button', { name: 'Reset scenario' }));
    fireEvent.click(screen.getByRole('button', { name: 'Discard edits' }));
    expect(store.getState().view.scenarioText).toBeNull();
    expect(document.querySelector('.undo-notice')?.textContent).toContain(
      'The scenario is reset; your edits are discarded.',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    expect(store.getState().view.scenarioText).toBe('# my edit\n');
    expect(store.getState().undoOffer).toBeNull();
  });

  it('the offer ends after ten seconds, but not while the pointer is on it', () => {
    const store = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Reset scenario' }));
    fireEvent.click(screen.getByRole('button', { name: 'Discard edits' }));
    const notice = document.querySelector('.undo-notice')!;
    act(() => vi.advanceTimersByTime(UNDO_WINDOW_MS - 2000));
    fireEvent.pointerEnter(notice);
    act(() => vi.advanceTimersByTime(60_000));
    expect(store.getState().undoOffer).not.toBeNull();
    fireEvent.pointerLeave(notice);
    act(() => vi.advanceTimersByTime(1500));
    expect(store.getState().undoOffer).not.toBeNull();
    act(() => vi.advanceTimersByTime(600));
    expect(store.getState().undoOffer).toBeNull();
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
    // Nothing came back: the reset stands.
    expect(store.getState().view.scenarioText).toBeNull();
  });

  it('an undo after switching scenarios does not write the edit into another scenario', () => {
    const store = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Reset scenario' }));
    fireEvent.click(screen.getByRole('button', { name: 'Discard edits' }));
    act(() => store.getState().setScenario('two-node-basic'));
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    expect(store.getState().view).toMatchObject({
      scenarioId: 'two-node-basic',
      scenarioText: null,
    });
  });
});
