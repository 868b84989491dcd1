import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createPresenterSync,
  readPresenterMessage,
  type PresenterState,
  type PresenterSync,
  type SyncChannel,
} from './presenterSync';

/**
 * An in-memory stand-in for BroadcastChannel: a posted message is cloned and delivered, as its own
 * task, to every other channel of the hub that is open when it is posted, never to the sender.
 * `auto` delivers on timers; otherwise the test delivers pending messages one by one, in any order.
 */
function createHub({ auto }: { auto: boolean }) {
  const open = new Set<MemoryChannel>();
  const pending: { to: MemoryChannel; data: unknown }[] = [];
  const sent: unknown[] = [];

  function deliver(item: { to: MemoryChannel; data: unknown }) {
    const i = pending.indexOf(item);
    if (i < 0) return;
    pending.splice(i, 1);
    if (!item.to.closed) item.to.onmessage?.({ data: item.data });
  }

  class MemoryChannel implements SyncChannel {
    onmessage: ((e: { data: unknown }) => void) | null = null;
    closed = false;
    constructor() {
      open.add(this);
    }
    postMessage(data: unknown) {
      if (this.closed) throw new Error('InvalidStateError: channel is closed');
      sent.push(data);
      for (const to of open) {
        if (to === this) continue;
        const item = { to, data: structuredClone(data) };
        pending.push(item);
        if (auto) setTimeout(() => deliver(item), 0);
      }
    }
    close() {
      this.closed = true;
      open.delete(this);
    }
  }

  return {
    channel: () => new MemoryChannel(),
    sent,
    pending,
    /** Delivers the pending message at `index` (modulo the queue length). */
    deliverAt(index: number) {
      if (pending.length > 0) deliver(pending[index % pending.length]!);
    },
    /** Waits until every message is delivered; fails if messages keep coming (a loop). */
    async settle() {
      for (let round = 0; round < 50; round++) {
        if (pending.length === 0) return;
        await new Promise((r) => setTimeout(r, 0));
      }
      throw new Error(`still ${pending.length} messages in flight after 50 rounds: a loop?`);
    },
  };
}

type Hub = ReturnType<typeof createHub>;

interface Window {
  sync: PresenterSync;
  seen: PresenterState[];
  channel: SyncChannel;
}

function openWindow(hub: Hub, windowId: string, now?: () => number): Window {
  const seen: PresenterState[] = [];
  const channel = hub.channel();
  const sync = createPresenterSync({
    channel,
    windowId,
    onRemote: (s) => seen.push(s),
    ...(now ? { now } : {}),
  });
  return { sync, seen, channel };
}

let clockNow = 1_000;
const fakeNow = () => clockNow;
afterEach(() => {
  clockNow = 1_000;
  vi.useRealTimers();
});

describe('createPresenterSync', () => {
  it('the speaker view follows the main window, and drives it back', async () => {
    const hub = createHub({ auto: true });
    const main = openWindow(hub, 'main', fakeNow);
    const speaker = openWindow(hub, 'speaker', fakeNow);
    main.sync.announce('03-across-nodes', 2);
    await hub.settle();
    expect(speaker.seen).toEqual([{ lessonId: '03-across-nodes', step: 2, blank: false }]);
    expect(main.seen).toEqual([]);

    clockNow += 5;
    speaker.sync.announce('03-across-nodes', 3);
    await hub.settle();
    expect(main.seen).toEqual([{ lessonId: '03-across-nodes', step: 3, blank: false }]);
    expect(main.sync.current()).toEqual(speaker.sync.current());
  });

  it('never delivers a window its own messages, and applying a remote state sends nothing', async () => {
    const hub = createHub({ auto: true });
    const a = openWindow(hub, 'a', fakeNow);
    const b = openWindow(hub, 'b', fakeNow);
    a.sync.announce('l', 1);
    await hub.settle();
    expect(hub.sent).toHaveLength(1);
    expect(a.seen).toEqual([]);
    expect(b.seen).toHaveLength(1);
  });

  it('an echo of the followed step (the player re-announcing it) sends nothing', async () => {
    const hub = createHub({ auto: true });
    const a = openWindow(hub, 'a', fakeNow);
    const channel = hub.channel();
    const b = createPresenterSync({
      channel,
      windowId: 'b',
      onRemote: (s) => b.announce(s.lessonId, s.step),
    });
    a.sync.announce('l', 1);
    a.sync.announce('l', 2);
    await hub.settle();
    expect(hub.sent.map((m) => (m as { type: string }).type)).toEqual(['goto', 'goto']);
    expect(b.current()).toEqual({ lessonId: 'l', step: 2, blank: false });
  });

  it('announcing or blanking to the state already held sends nothing', () => {
    const hub = createHub({ auto: false });
    const a = openWindow(hub, 'a', fakeNow);
    openWindow(hub, 'b', fakeNow);
    a.sync.announce('l', 1);
    a.sync.announce('l', 1);
    a.sync.setBlank(false);
    a.sync.setBlank(true);
    a.sync.setBlank(true);
    expect(hub.sent).toHaveLength(2);
  });

  it('blank travels both ways and is reported with the position', async () => {
    const hub = createHub({ auto: true });
    const main = openWindow(hub, 'main', fakeNow);
    const speaker = openWindow(hub, 'speaker', fakeNow);
    main.sync.announce('l', 4);
    await hub.settle();
    clockNow += 1;
    speaker.sync.setBlank(true);
    await hub.settle();
    expect(main.seen).toEqual([{ lessonId: 'l', step: 4, blank: true }]);
    clockNow += 1;
    main.sync.setBlank(false);
    await hub.settle();
    expect(speaker.seen.at(-1)).toEqual({ lessonId: 'l', step: 4, blank: false });
  });

  it('a blank before any position is kept and reported once a position is known', async () => {
    const hub = createHub({ auto: true });
    const a = openWindow(hub, 'a', fakeNow);
    const b = openWindow(hub, 'b', fakeNow);
    a.sync.setBlank(true);
    await hub.settle();
    expect(b.seen).toEqual([]);
    expect(b.sync.current()).toBeNull();
    clockNow += 1;
    a.sync.announce('l', 0);
    await hub.settle();
    expect(b.seen).toEqual([{ lessonId: 'l', step: 0, blank: true }]);
  });

  it('a window that opens late asks for the state and every peer answers it', async () => {
    const hub = createHub({ auto: true });
    const main = openWindow(hub, 'main', fakeNow);
    const other = openWindow(hub, 'other', fakeNow);
    main.sync.announce('l', 5);
    main.sync.setBlank(true);
    await hub.settle();
    const speaker = openWindow(hub, 'speaker', fakeNow);
    speaker.sync.requestState();
    await hub.settle();
    expect(speaker.sync.current()).toEqual({ lessonId: 'l', step: 5, blank: true });
    expect(speaker.seen.at(-1)).toEqual({ lessonId: 'l', step: 5, blank: true });
    // The answers relayed by `other` keep main's stamp: nobody changes, nothing more is sent.
    expect(main.seen).toEqual([]);
    expect(other.seen).toHaveLength(2);
    const types = hub.sent.map((m) => (m as { type: string }).type);
    expect(types).toEqual(['goto', 'blank', 'hello', 'state', 'blank', 'state', 'blank']);
    const relayed = hub.sent.find(
      (m) =>
        (m as { from: string; type: string }).from === 'other' &&
        (m as { type: string }).type === 'state',
    );
    expect(relayed).toMatchObject({ origin: 'main', seq: 1000 });
  });

  it('a window without any state does not answer a hello', async () => {
    const hub = createHub({ auto: true });
    openWindow(hub, 'a', fakeNow);
    const b = openWindow(hub, 'b', fakeNow);
    b.sync.requestState();
    await hub.settle();
    expect(hub.sent).toHaveLength(1);
  });

  it('two windows that change at the same moment converge on the greater window id', async () => {
    const hub = createHub({ auto: true });
    const zero = () => 0;
    const a = openWindow(hub, 'aaa', zero);
    const b = openWindow(hub, 'bbb', zero);
    a.sync.announce('l', 1);
    b.sync.announce('l', 7);
    a.sync.setBlank(true);
    b.sync.setBlank(false); // a no-op: b holds no blank yet
    await hub.settle();
    expect(a.sync.current()).toEqual({ lessonId: 'l', step: 7, blank: true });
    expect(b.sync.current()).toEqual({ lessonId: 'l', step: 7, blank: true });
    expect(hub.sent).toHaveLength(3);
  });

  it('a newer seq wins even when it arrives first, and a stale one is ignored', () => {
    const hub = createHub({ auto: false });
    const raw = hub.channel();
    const a = openWindow(hub, 'a', fakeNow);
    raw.postMessage({ type: 'goto', lessonId: 'l', step: 9, from: 'x', seq: 50 });
    raw.postMessage({ type: 'goto', lessonId: 'l', step: 2, from: 'z', seq: 40 });
    hub.deliverAt(0);
    hub.deliverAt(0);
    expect(a.sync.current()).toEqual({ lessonId: 'l', step: 9, blank: false });
    expect(a.seen).toHaveLength(1);
  });

  it('a reloaded window (its counter restarted) still wins over the state its peer holds', async () => {
    const hub = createHub({ auto: true });
    const main = openWindow(hub, 'main', fakeNow);
    const speaker = openWindow(hub, 'speaker', fakeNow);
    for (let i = 1; i <= 20; i++) main.sync.announce('l', i); // seq runs ahead of the wall clock
    await hub.settle();
    main.sync.close();
    clockNow += 60_000;
    const reloaded = openWindow(hub, 'main', fakeNow);
    reloaded.sync.announce('l', 0);
    reloaded.sync.requestState();
    await hub.settle();
    expect(speaker.sync.current()?.step).toBe(0);
    expect(reloaded.sync.current()?.step).toBe(0);
  });

  it('a local change after seeing a remote one always outranks it, whatever the clocks say', () => {
    const hub = createHub({ auto: false });
    const a = openWindow(hub, 'a', () => 0);
    const raw = hub.channel();
    raw.postMessage({ type: 'goto', lessonId: 'l', step: 3, from: 'zzz', seq: 10_000 });
    hub.deliverAt(0);
    a.sync.announce('l', 4);
    expect(hub.sent.at(-1)).toMatchObject({ type: 'goto', step: 4, seq: 10_001 });
  });

  it('ignores malformed messages', () => {
    const hub = createHub({ auto: false });
    const raw = hub.channel();
    const a = openWindow(hub, 'a', fakeNow);
    const bad: unknown[] = [
      null,
      'goto',
      42,
      [],
      {},
      { type: 'goto', lessonId: 'l', step: 1, seq: 5 },
      { type: 'goto', lessonId: 'l', step: 1, from: '', seq: 5 },
      { type: 'goto', lessonId: '', step: 1, from: 'x', seq: 5 },
      { type: 'goto', lessonId: 'l', step: -1, from: 'x', seq: 5 },
      { type: 'goto', lessonId: 'l', step: 1.5, from: 'x', seq: 5 },
      { type: 'goto', lessonId: 'l', step: '1', from: 'x', seq: 5 },
      { type: 'goto', lessonId: 'l', step: 1, from: 'x', seq: Number.NaN },
      { type: 'goto', lessonId: 'l', step: 1, from: 'x' },
      { type: 'state', lessonId: 'l', step: 1, from: 'x', seq: 5, origin: 7 },
      { type: 'blank', on: 'yes', from: 'x', seq: 5 },
      { type: 'blank', from: 'x', seq: 5 },
      { type: 'jump', lessonId: 'l', step: 1, from: 'x', seq: 5 },
      { type: 'hello' },
    ];
    for (const m of bad) {
      expect(readPresenterMessage(m)).toBeNull();
      raw.postMessage(m);
    }
    while (hub.pending.length > 0) hub.deliverAt(0);
    expect(a.seen).toEqual([]);
    expect(a.sync.current()).toBeNull();
    expect(hub.sent).toHaveLength(bad.length); // not even a hello was answered
  });

  it('reads well-formed messages, keeping extra fields out', () => {
    expect(
      readPresenterMessage({ type: 'goto', lessonId: 'l', step: 0, from: 'x', seq: 0, extra: 1 }),
    ).toEqual({ type: 'goto', lessonId: 'l', step: 0, from: 'x', seq: 0 });
    expect(readPresenterMessage({ type: 'hello', from: 'x', seq: 'whatever' })).toEqual({
      type: 'hello',
      from: 'x',
    });
    expect(
      readPresenterMessage({ type: 'blank', on: false, from: 'x', seq: 3, origin: 'y' }),
    ).toEqual({ type: 'blank', on: false, from: 'x', seq: 3, origin: 'y' });
  });

  it('close stops listening, closes the channel and makes later calls no-ops', async () => {
    const hub = createHub({ auto: true });
    const a = openWindow(hub, 'a', fakeNow);
    const b = openWindow(hub, 'b', fakeNow);
    b.sync.close();
    b.sync.close();
    expect(b.channel.onmessage).toBeNull();
    a.sync.announce('l', 1);
    b.sync.announce('l', 2);
    b.sync.setBlank(true);
    b.sync.requestState();
    await hub.settle();
    expect(b.seen).toEqual([]);
    expect(hub.sent).toHaveLength(1);
  });

  it('ignores invalid local calls', () => {
    const hub = createHub({ auto: false });
    const a = openWindow(hub, 'a', fakeNow);
    a.sync.announce('', 1);
    a.sync.announce('l', -1);
    a.sync.announce('l', 0.5);
    expect(hub.sent).toEqual([]);
    expect(a.sync.current()).toBeNull();
  });

  it('property: any interleaving of changes and deliveries converges, without loops', () => {
    const ids = ['w1', 'w2', 'w3'];
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('announce' as const),
        w: fc.nat(2),
        lesson: fc.constantFrom('a', 'b'),
        step: fc.nat(4),
      }),
      fc.record({ kind: fc.constant('blank' as const), w: fc.nat(2), on: fc.boolean() }),
      fc.record({ kind: fc.constant('hello' as const), w: fc.nat(2) }),
      fc.record({ kind: fc.constant('deliver' as const), at: fc.nat(20) }),
      fc.record({ kind: fc.constant('tick' as const), ms: fc.nat(3) }),
    );
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 40 }),
        fc.array(fc.nat(20), { maxLength: 200 }),
        (ops, order) => {
          const hub = createHub({ auto: false });
          let t = 0;
          const windows = ids.map((id) => openWindow(hub, id, () => t));
          let changes = 0;
          for (const o of ops) {
            if (o.kind === 'announce') windows[o.w]!.sync.announce(o.lesson, o.step);
            else if (o.kind === 'blank') windows[o.w]!.sync.setBlank(o.on);
            else if (o.kind === 'hello') windows[o.w]!.sync.requestState();
            else if (o.kind === 'deliver') hub.deliverAt(o.at);
            else t += o.ms;
            if (o.kind === 'announce' || o.kind === 'blank' || o.kind === 'hello') changes++;
          }
          // Drain in a random order; the number of messages is bounded by what was asked.
          let i = 0;
          while (hub.pending.length > 0) {
            hub.deliverAt(order[i % Math.max(1, order.length)] ?? 0);
            i++;
            expect(i).toBeLessThan(10_000);
          }
          // Each local call posts at most 1 message, and each hello gets at most 2 answers per peer.
          expect(hub.sent.length).toBeLessThanOrEqual(changes * (1 + 2 * (ids.length - 1)));
          const states = windows.map((w) => w.sync.current());
          expect(states[1]).toEqual(states[0]);
          expect(states[2]).toEqual(states[0]);
        },
      ),
    );
  });
});
