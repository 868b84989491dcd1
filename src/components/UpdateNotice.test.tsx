// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { UpdateNotice, type UpdateSource } from './UpdateNotice';

afterEach(cleanup);

function source() {
  let state = { needRefresh: false };
  const listeners = new Set<() => void>();
  const answers: string[] = [];
  const updates: UpdateSource = {
    getState: () => state,
    subscribe: (l) => (listeners.add(l), () => void listeners.delete(l)),
    reload: () => answers.push('reload'),
    dismiss: () => {
      answers.push('dismiss');
      set(false);
    },
  };
  const set = (needRefresh: boolean) => {
    state = { needRefresh };
    listeners.forEach((l) => l());
  };
  return { updates, answers, set };
}

describe('UpdateNotice', () => {
  it('is an empty live region until a new version waits, then offers Reload and Later', () => {
    const { updates, answers, set } = source();
    render(<UpdateNotice updates={updates} />);
    const status = screen.getByRole('status');
    expect(status.textContent).toBe('');
    expect(screen.queryByRole('button')).toBeNull();
    act(() => set(true));
    expect(status.textContent).toContain('A new version of PacketWalk is ready.');
    fireEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(answers).toEqual(['reload']);
    fireEvent.click(screen.getByRole('button', { name: 'Later' }));
    expect(answers).toEqual(['reload', 'dismiss']);
    expect(screen.queryByRole('button', { name: 'Reload' })).toBeNull();
  });
});
