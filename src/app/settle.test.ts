import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSettle } from './settle';

describe('the first screen settles', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** Whether `settled` has resolved by now (its callbacks run as the timers' microtasks flush). */
  async function isSettled(settle: ReturnType<typeof createSettle>) {
    let done = false;
    void settle.settled.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    return done;
  }

  it('once the engine has had no call for the quiet time', async () => {
    const settle = createSettle(1_000, 30_000);
    settle.jobs(1); // hello
    settle.jobs(0);
    await vi.advanceTimersByTimeAsync(600);
    settle.jobs(1); // the link's load starts before the quiet time is up: not settled
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await isSettled(settle)).toBe(false);
    settle.jobs(2); // a walk while the load runs
    settle.jobs(1);
    settle.jobs(0);
    await vi.advanceTimersByTimeAsync(999);
    expect(await isSettled(settle)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await isSettled(settle)).toBe(true);
  });

  it('not before the engine has said anything, and at the cap whatever it does', async () => {
    const settle = createSettle(1_000, 30_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await isSettled(settle)).toBe(false);
    settle.jobs(1); // a matrix that takes minutes
    await vi.advanceTimersByTimeAsync(19_999);
    expect(await isSettled(settle)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await isSettled(settle)).toBe(true);
    settle.jobs(0); // later reports change nothing
    await vi.advanceTimersByTimeAsync(60_000);
    expect(vi.getTimerCount()).toBe(0);
  });
});
