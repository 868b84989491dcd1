/**
 * One heavy drawing per task (issue 15). A new scene lays a topology out again and rebuilds its
 * elements: for a 1,000-pod scenario each CNI panel's first draw takes tens of milliseconds, and the
 * two panels' effects ran in the same task (one long task of both). Through this queue, a panel
 * whose draw would follow another panel's heavy draw in the same task waits for the next task; its
 * later draws (the packet shown after its layout) follow it in order, so each panel still sees its
 * own draws in the order they were asked for. Draws that follow no heavy one run at once, so the
 * walk's steps are not delayed.
 */
export interface DrawQueue {
  /** Runs `draw` now or, after another owner's heavy draw in this task, in a later task, in order. */
  run(owner: object, draw: () => void, heavy: boolean): void;
}

export function createDrawQueue(
  nextTask: (run: () => void) => void = (run) => void setTimeout(run, 0),
  afterThisRun: (run: () => void) => void = queueMicrotask,
): DrawQueue {
  const waiting: { owner: object; draw: () => void; heavy: boolean }[] = [];
  /** The owner whose heavy draw ran in the current task, or null. */
  let heavyOwner: object | null = null;
  let scheduled = false;
  /**
   * A heavy draw holds the others back until the code that asked for it returns (React's effects
   * of one commit run in one go): then a microtask lets draws run at once again.
   */
  const heavyDrew = (owner: object) => {
    if (heavyOwner === null) afterThisRun(() => (heavyOwner = null));
    heavyOwner = owner;
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    nextTask(() => {
      scheduled = false;
      // One owner's waiting draws per task, in the order they were asked for.
      const owner = waiting[0]?.owner;
      const mine = waiting.filter((w) => w.owner === owner);
      waiting.splice(0, waiting.length, ...waiting.filter((w) => w.owner !== owner));
      for (const next of mine) {
        if (next.heavy) heavyDrew(owner!);
        next.draw();
      }
      if (waiting.length > 0) schedule();
    });
  };

  return {
    run(owner, draw, heavy) {
      // Behind its own waiting draws (their order), or another owner's heavy draw in this task.
      const behind =
        waiting.some((w) => w.owner === owner) || (heavyOwner !== null && heavyOwner !== owner);
      if (behind) {
        waiting.push({ owner, draw, heavy });
        schedule();
        return;
      }
      if (heavy) heavyDrew(owner);
      draw();
    },
  };
}

/** The app's queue: both CNI panels' topologies draw through it. */
export const drawQueue = createDrawQueue();
