/**
 * When the first screen has settled: the engine's calls (the link's scenario loaded, its walks
 * answered) have all ended and none has started for `quietMs`, or `capMs` after the app started,
 * whichever comes first. main.tsx registers the service worker then, not at once: on a first visit
 * its install fetches and compiles every file of the build (the policy worker's 700 kB script is
 * compiled again for the code cache), and on a 2-core machine that ran beside the page's start and
 * the worker's load, stretching their tasks (issue 15's bench:ui, 20 first visits each: the
 * 1,000-pod link's load 2.02 → 1.69 s median; runs with a main-thread task over 50 ms, measured
 * before the bench stopped counting its own new tab's start, 7 of 20 → 2 and 5 of 20). Web guidance
 * says the same: register a service worker after the page's load, not during it.
 */

export interface Settle {
  /** The engine's number of pending calls, each time it changes (engine.ts's onJobs). */
  jobs(count: number): void;
  /** Resolves once, when settled. */
  readonly settled: Promise<void>;
}

export function createSettle(quietMs: number, capMs: number): Settle {
  let done = false;
  let resolve!: () => void;
  const settled = new Promise<void>((r) => (resolve = r));
  let quiet: ReturnType<typeof setTimeout> | undefined;
  const cap = setTimeout(() => settle(), capMs);
  function settle() {
    if (done) return;
    done = true;
    clearTimeout(quiet);
    clearTimeout(cap);
    resolve();
  }
  return {
    settled,
    jobs(count) {
      if (done) return;
      clearTimeout(quiet);
      quiet = count === 0 ? setTimeout(settle, quietMs) : undefined;
    },
  };
}

/** The app's: a second without engine work, at most 30 s after the scripts ran. */
export const firstScreen = createSettle(1_000, 30_000);
