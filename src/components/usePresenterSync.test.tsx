// @vitest-environment jsdom
import { act, cleanup, render, renderHook } from '@testing-library/react';
import { useEffect } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PRESENTER_CHANNEL, usePresenterSync } from './usePresenterSync';

/** A stub BroadcastChannel: delivers a clone, on a timer, to every other open channel of its name. */
class StubChannel {
  static open = new Set<StubChannel>();
  static posted: { name: string; data: unknown }[] = [];
  onmessage: ((e: { data: unknown }) => void) | null = null;
  closed = false;
  constructor(readonly name: string) {
    StubChannel.open.add(this);
  }
  postMessage(data: unknown) {
    if (this.closed) throw new Error('InvalidStateError');
    StubChannel.posted.push({ name: this.name, data });
    for (const to of StubChannel.open) {
      if (to === this || to.name !== this.name) continue;
      const copy = structuredClone(data);
      setTimeout(() => {
        if (!to.closed) to.onmessage?.({ data: copy });
      }, 0);
    }
  }
  close() {
    this.closed = true;
    StubChannel.open.delete(this);
  }
}

const flush = () =>
  act(async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
  });

beforeEach(() => {
  StubChannel.open.clear();
  StubChannel.posted = [];
  vi.stubGlobal('BroadcastChannel', StubChannel);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('usePresenterSync', () => {
  it('opens the packetwalk-presenter channel and asks the other windows for their state', () => {
    renderHook(() => usePresenterSync({ windowId: 'main' }));
    expect([...StubChannel.open].map((c) => c.name)).toEqual([PRESENTER_CHANNEL]);
    expect(StubChannel.posted).toEqual([
      { name: PRESENTER_CHANNEL, data: { type: 'hello', from: 'main' } },
    ]);
  });

  it('the speaker view follows the main window and drives it back', async () => {
    const main = renderHook(() => usePresenterSync({ windowId: 'main' }));
    const speaker = renderHook(() => usePresenterSync({ windowId: 'speaker' }));
    expect(speaker.result.current.remote).toBeNull();

    act(() => main.result.current.announce('03-across-nodes', 2));
    await flush();
    expect(speaker.result.current.remote).toEqual({
      lessonId: '03-across-nodes',
      step: 2,
      blank: false,
    });
    expect(main.result.current.remote).toBeNull();

    await new Promise((r) => setTimeout(r, 2)); // a later clock reading
    act(() => speaker.result.current.announce('03-across-nodes', 3));
    await flush();
    expect(main.result.current.remote).toEqual({
      lessonId: '03-across-nodes',
      step: 3,
      blank: false,
    });

    act(() => main.result.current.setBlank(true));
    await flush();
    expect(speaker.result.current.remote).toEqual({
      lessonId: '03-across-nodes',
      step: 3,
      blank: true,
    });
  });

  it('a speaker view opened late catches up with the main window', async () => {
    const main = renderHook(() => usePresenterSync({ windowId: 'main' }));
    act(() => main.result.current.announce('l', 6));
    await flush();
    const speaker = renderHook(() => usePresenterSync({ windowId: 'speaker' }));
    await flush();
    expect(speaker.result.current.remote).toEqual({ lessonId: 'l', step: 6, blank: false });
  });

  it('keeps a call made before the channel opens (a child effect) and sends it', async () => {
    const speaker = renderHook(() => usePresenterSync({ windowId: 'speaker' }));
    function Child({ announce }: { announce: (l: string, s: number) => void }) {
      useEffect(() => announce('l', 4), [announce]);
      return null;
    }
    function Main() {
      const { announce } = usePresenterSync({ windowId: 'main' });
      return <Child announce={announce} />;
    }
    render(<Main />);
    await flush();
    expect(speaker.result.current.remote).toEqual({ lessonId: 'l', step: 4, blank: false });
  });

  it('keeps its callbacks stable across renders', () => {
    const { result, rerender } = renderHook(() => usePresenterSync({ windowId: 'main' }));
    const first = result.current;
    rerender();
    expect(result.current.announce).toBe(first.announce);
    expect(result.current.setBlank).toBe(first.setBlank);
  });

  it('closes the channel on unmount', () => {
    const { unmount } = renderHook(() => usePresenterSync({ windowId: 'main' }));
    const [channel] = [...StubChannel.open];
    unmount();
    expect(channel?.closed).toBe(true);
    expect(StubChannel.open.size).toBe(0);
  });

  it('opens nothing when disabled', () => {
    const { result } = renderHook(() => usePresenterSync({ enabled: false }));
    act(() => result.current.announce('l', 1));
    expect(StubChannel.open.size).toBe(0);
    expect(result.current.remote).toBeNull();
  });

  it('is a no-op where BroadcastChannel does not exist', () => {
    vi.stubGlobal('BroadcastChannel', undefined);
    const { result } = renderHook(() => usePresenterSync());
    expect(() => {
      act(() => {
        result.current.announce('l', 1);
        result.current.setBlank(true);
      });
    }).not.toThrow();
    expect(result.current.remote).toBeNull();
    expect(StubChannel.posted).toEqual([]);
  });
});
