/**
 * Keeps the presenter's main window and the speaker view on the same lesson step, both ways, over a
 * BroadcastChannel-like channel (a message reaches every other channel of the same name, never the
 * sender). Pure logic: no DOM types beyond the structural `SyncChannel`.
 *
 * Ordering: every change carries a stamp (seq, origin). A window applies a remote change only when its
 * stamp is newer than the one it holds: a higher `seq`, or the same `seq` and a greater origin window
 * id, so windows that changed at the same moment still converge on one state. `seq` is a hybrid clock,
 * max(last seq seen + 1, now()), so a reloaded window (whose counter restarted) still wins over the
 * stale state a peer holds.
 *
 * No loops: applying a remote change never sends a message, and `announce`/`setBlank` of the state
 * already held (e.g. the player echoing the step it just followed) sends nothing either. Call
 * `announce` for local navigation; a window that only follows (the speaker view on open) calls
 * `requestState()`, and every peer that knows a state answers with it.
 *
 * Messages (anything else, or a malformed one, is ignored):
 *   { type: 'goto',  lessonId, step, from, seq }       a window navigated (its origin is `from`)
 *   { type: 'blank', on, from, seq, origin? }          a window blanked/unblanked the screen
 *   { type: 'hello', from }                            a window asks for the current state
 *   { type: 'state', lessonId, step, from, seq, origin? }  an answer to hello
 * `from` is the sender; `origin` (default `from`) is the window that made the change, so an answer
 * relayed by a third window keeps the original stamp.
 */

/** A message handler, declared as a method so it compares bivariantly: BroadcastChannel's
 * `(ev: MessageEvent) => any` then satisfies it structurally. */
type MessageHandler = { handle(e: { data: unknown }): void }['handle'];

/** What presenter sync needs of a channel; a BroadcastChannel satisfies it. */
export interface SyncChannel {
  postMessage(data: unknown): void;
  onmessage: MessageHandler | null;
  close(): void;
}

export interface PresenterState {
  readonly lessonId: string;
  readonly step: number;
  readonly blank: boolean;
}

export type PresenterMessage =
  | {
      readonly type: 'goto';
      readonly lessonId: string;
      readonly step: number;
      readonly from: string;
      readonly seq: number;
    }
  | { readonly type: 'hello'; readonly from: string }
  | {
      readonly type: 'state';
      readonly lessonId: string;
      readonly step: number;
      readonly from: string;
      readonly seq: number;
      readonly origin?: string;
    }
  | {
      readonly type: 'blank';
      readonly on: boolean;
      readonly from: string;
      readonly seq: number;
      readonly origin?: string;
    };

export interface PresenterSyncOptions {
  readonly channel: SyncChannel;
  /** Unique per window (e.g. crypto.randomUUID()). */
  readonly windowId: string;
  /** Called when a remote window changed the state (never for this window's own changes). */
  readonly onRemote: (state: PresenterState) => void;
  /** The clock for `seq`; Date.now by default. */
  readonly now?: () => number;
}

export interface PresenterSync {
  /** This window navigated to `step` of `lessonId`: tell the other windows. */
  announce(lessonId: string, step: number): void;
  /** This window blanked (or unblanked) the screen: tell the other windows. */
  setBlank(on: boolean): void;
  /** Ask the other windows for the current state (they answer; `onRemote` reports it). */
  requestState(): void;
  /** The state this window holds (local or remote), or null before any position is known. */
  current(): PresenterState | null;
  /** Stop listening and close the channel; later calls do nothing. */
  close(): void;
}

interface Stamp {
  readonly seq: number;
  readonly origin: string;
}

function newer(a: Stamp, b: Stamp | null): boolean {
  if (!b) return true;
  return a.seq > b.seq || (a.seq === b.seq && a.origin > b.origin);
}

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isIndex = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The message if `data` is a well-formed presenter message, else null. */
export function readPresenterMessage(data: unknown): PresenterMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  if (!isId(m.from)) return null;
  const from = m.from;
  if (m.type === 'hello') return { type: 'hello', from };
  if (!isIndex(m.seq)) return null;
  const seq = m.seq;
  if (m.origin !== undefined && !isId(m.origin)) return null;
  const origin = m.origin;
  switch (m.type) {
    case 'goto':
    case 'state': {
      if (!isId(m.lessonId) || !isIndex(m.step)) return null;
      const base = { lessonId: m.lessonId, step: m.step, from, seq };
      if (m.type === 'goto') return { type: 'goto', ...base };
      return origin === undefined ? { type: 'state', ...base } : { type: 'state', ...base, origin };
    }
    case 'blank': {
      if (typeof m.on !== 'boolean') return null;
      const base = { type: 'blank' as const, on: m.on, from, seq };
      return origin === undefined ? base : { ...base, origin };
    }
    default:
      return null;
  }
}

export function createPresenterSync(options: PresenterSyncOptions): PresenterSync {
  const { channel, windowId, onRemote } = options;
  const now = options.now ?? Date.now;
  let clock = 0;
  let closed = false;
  let position: { lessonId: string; step: number; stamp: Stamp } | null = null;
  let blank: { on: boolean; stamp: Stamp } | null = null;

  const isBlank = () => blank?.on ?? false;
  const snapshot = (): PresenterState | null =>
    position && { lessonId: position.lessonId, step: position.step, blank: isBlank() };
  const tick = (): Stamp => {
    clock = Math.max(clock + 1, Math.floor(now()));
    return { seq: clock, origin: windowId };
  };
  const post = (message: PresenterMessage) => {
    if (!closed) channel.postMessage(message);
  };
  const originField = (stamp: Stamp) => (stamp.origin === windowId ? {} : { origin: stamp.origin });

  function receive(data: unknown): void {
    const m = readPresenterMessage(data);
    if (closed || !m || m.from === windowId) return;
    if (m.type === 'hello') {
      if (position) {
        const { lessonId, step, stamp } = position;
        post({
          type: 'state',
          lessonId,
          step,
          from: windowId,
          seq: stamp.seq,
          ...originField(stamp),
        });
      }
      if (blank) {
        const { on, stamp } = blank;
        post({ type: 'blank', on, from: windowId, seq: stamp.seq, ...originField(stamp) });
      }
      return;
    }
    clock = Math.max(clock, m.seq);
    const stamp: Stamp = { seq: m.seq, origin: m.type === 'goto' ? m.from : (m.origin ?? m.from) };
    const before = snapshot();
    if (m.type === 'blank') {
      if (!newer(stamp, blank?.stamp ?? null)) return;
      blank = { on: m.on, stamp };
    } else {
      if (!newer(stamp, position?.stamp ?? null)) return;
      position = { lessonId: m.lessonId, step: m.step, stamp };
    }
    const after = snapshot();
    if (
      after &&
      (!before ||
        before.lessonId !== after.lessonId ||
        before.step !== after.step ||
        before.blank !== after.blank)
    ) {
      onRemote(after);
    }
  }

  channel.onmessage = (e) => receive(e.data);

  return {
    announce(lessonId, step) {
      if (closed || !isId(lessonId) || !isIndex(step)) return;
      if (position && position.lessonId === lessonId && position.step === step) return;
      const stamp = tick();
      position = { lessonId, step, stamp };
      post({ type: 'goto', lessonId, step, from: windowId, seq: stamp.seq });
    },
    setBlank(on) {
      if (closed || isBlank() === on) return;
      const stamp = tick();
      blank = { on, stamp };
      post({ type: 'blank', on, from: windowId, seq: stamp.seq });
    },
    requestState() {
      post({ type: 'hello', from: windowId });
    },
    current: snapshot,
    close() {
      if (closed) return;
      closed = true;
      channel.onmessage = null;
      channel.close();
    },
  };
}
