import { describe, expect, it } from 'vitest';
import { createDrawQueue } from './drawQueue';

/**
 * A queue whose tasks and microtasks are run by hand: `tasks` holds what waits for a task;
 * `nextTask` ends the current run (its microtasks) and runs the next task.
 */
function manual() {
  const tasks: (() => void)[] = [];
  const microtasks: (() => void)[] = [];
  const queue = createDrawQueue(
    (run) => void tasks.push(run),
    (run) => void microtasks.push(run),
  );
  const endRun = () => {
    while (microtasks.length > 0) microtasks.shift()!();
  };
  const nextTask = () => {
    endRun();
    tasks.shift()?.();
  };
  return { queue, tasks, nextTask, endRun };
}

describe('drawQueue', () => {
  it('runs a second owner’s heavy draw in the next task, each owner’s draws in order', () => {
    const { queue, tasks, nextTask, endRun } = manual();
    const a = {};
    const b = {};
    const log: string[] = [];
    queue.run(a, () => log.push('a: layout'), true);
    queue.run(a, () => log.push('a: packet'), false);
    queue.run(b, () => log.push('b: layout'), true);
    queue.run(b, () => log.push('b: packet'), false);
    // The same task: only a's draws.
    expect(log).toEqual(['a: layout', 'a: packet']);
    nextTask();
    expect(log).toEqual(['a: layout', 'a: packet', 'b: layout', 'b: packet']);
    // a draws again after b's heavy draw in that task: it waits one more.
    queue.run(a, () => log.push('a: step'), false);
    expect(log).toHaveLength(4);
    nextTask();
    expect(log.at(-1)).toBe('a: step');
    expect(tasks).toHaveLength(0);
    // Once the code that drew heavily returned, draws run at once again.
    queue.run(a, () => log.push('a: layout 2'), true);
    queue.run(b, () => log.push('b: held'), false);
    expect(log.at(-1)).toBe('a: layout 2');
    nextTask();
    expect(log.at(-1)).toBe('b: held');
    endRun();
    queue.run(b, () => log.push('b: step'), false);
    queue.run(a, () => log.push('a: step 2'), false);
    expect(log.slice(-2)).toEqual(['b: step', 'a: step 2']);
  });

  it('keeps one owner’s draws in order when the first of them waits', () => {
    const { queue, nextTask } = manual();
    const a = {};
    const b = {};
    const c = {};
    const log: string[] = [];
    queue.run(a, () => log.push('a'), true);
    queue.run(b, () => log.push('b1'), true);
    queue.run(c, () => log.push('c1'), true);
    queue.run(b, () => log.push('b2'), false);
    expect(log).toEqual(['a']);
    nextTask();
    expect(log).toEqual(['a', 'b1', 'b2']);
    nextTask();
    expect(log).toEqual(['a', 'b1', 'b2', 'c1']);
  });

  it('runs light draws of several owners at once when nothing heavy ran', () => {
    const { queue, tasks } = manual();
    const log: string[] = [];
    queue.run({}, () => log.push('x'), false);
    queue.run({}, () => log.push('y'), false);
    expect(log).toEqual(['x', 'y']);
    expect(tasks).toHaveLength(0);
  });
});
