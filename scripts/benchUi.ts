/**
 * `npm run bench:ui [DIST]` (issue 15): the app at scale in a browser. Builds the app into its own
 * folder (or serves DIST, an existing build), serves it with `vite preview` on a free port, and in
 * Debian's Chromium opens a 1,000-pod, 10,000-policy scenario (the bench generator's mix), opens the
 * Matrix panel and waits for the whole matrix, then plays a walk. Prints JSON: per phase (load,
 * matrix, walk) its time and the main-thread long tasks a PerformanceObserver saw ('longtask',
 * buffered: count, max, sum), and the frame times (requestAnimationFrame deltas in the page) of the
 * walk's playback, beside the targets. Figures only: no thresholds, never fails on them.
 *
 * Options: --pods N --policies N --seed N (the scenario); --paste (open it by pasting its YAML);
 * --profile FILE (a CPU profile of the page per phase, FILE-load.cpuprofile …, for the DevTools
 * Performance panel; give a `vite build --minify false` build for names); --trace FILE (a Chrome
 * trace of one phase, the walk's playback unless --trace-phase load|matrix says another: tasks,
 * style, layout, paint and the JavaScript sampler, so each long task's functions show); --load-only
 * (the load phase alone, to repeat it); --edit (after the load, one keystroke in the Policies editor:
 * its latency and the long tasks of the 3 s after it); --headed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config';
import { generateCluster } from '../src/engine/generate';
import { DEFAULT_GENERATE_OPTIONS, generatedScenarioId } from '../src/engine/generateOptions';

const TARGETS = { longTasksOver50ms: 0, walkFrameP95Ms: 16.7 } as const;
/** What a phase's trace records: tasks, rendering (style, layout, paint), script and its samples. */
const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'disabled-by-default-v8.cpu_profiler',
];
const PHASES = ['load', 'matrix', 'walk'] as const;
const MATRIX_TIMEOUT_MS = 30 * 60_000;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const numberOption = (name: string, fallback: number) => Number(option(name) ?? fallback);

const shape = {
  pods: numberOption('pods', 1000),
  policies: numberOption('policies', 10000),
  seed: numberOption('seed', 42),
};
// The first argument that is neither an option nor an option's value: a build to serve.
const positional = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith('--') && !(i > 0 && all[i - 1]!.startsWith('--')));
const givenDist = positional[0];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (server.exitCode !== null) throw new Error(`vite preview exited (${server.exitCode})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`vite preview did not answer at ${url}`);
}

interface Shape {
  readonly pods: number;
  readonly policies: number;
  readonly seed: number;
}

/**
 * How the scenario reaches the app: by default a link to the app's own generator (`scenario=gen:…`,
 * generated in the policy worker, the bench's sizes and mix); with --paste, the same cluster's YAML
 * (engine/generate.ts, in Node) pasted into the Policies editor over its text, as a user would.
 */
type ScenarioSource = { kind: 'link'; hash: string } | { kind: 'paste'; yaml: string };

function scenarioSource(s: Shape): ScenarioSource {
  const options = { ...DEFAULT_GENERATE_OPTIONS, ...s };
  if (process.argv.includes('--paste')) return { kind: 'paste', yaml: generateCluster(options) };
  const id = generatedScenarioId(options);
  return { kind: 'link', hash: `#/walk?${new URLSearchParams({ scenario: id, panels: '' })}` };
}

/**
 * Opens the link, or the app with the Policies panel, selects the editor's whole text and pastes the scenario
 * over it (a paste event carrying the text, which CodeMirror handles like a real one).
 */
async function openScenario(page: Page, base: string, source: ScenarioSource): Promise<void> {
  if (source.kind === 'link') return void (await page.goto(`${base}/${source.hash}`));
  await page.goto(`${base}/#/walk?panels=policies`);
  const editor = page.getByTestId('policy-editor').locator('.cm-content');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await editor.evaluate((el, text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    el.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, source.yaml);
}

/** A long animation frame as the page reports it (Chromium's PerformanceLongAnimationFrameTiming). */
interface LoafEntry {
  startTime: number;
  duration: number;
  renderStart: number;
  scripts: {
    startTime: number;
    executionStart: number;
    duration: number;
    forcedStyleAndLayoutDuration: number;
    invokerType: string;
    invoker: string;
    sourceFunctionName: string;
    sourceURL: string;
    sourceCharPosition: number;
  }[];
}
interface LongFrame {
  start: number;
  duration: number;
  /** Style, layout and paint at the frame's end. */
  renderMs: number;
  /** Each script over 5 ms: its time, of which compiling (before it ran) and forced layout. */
  scripts: { ms: number; compileMs: number; forcedLayoutMs: number; what: string; where: string }[];
}

/** An input event as Event Timing reports it: from the input to the paint after its handlers. */
interface InputEvent {
  name: string;
  startTime: number;
  duration: number;
  processingStart: number;
  processingEnd: number;
}

/** Runs in the page before its scripts: records long tasks from the start, and a frame recorder. */
function instrument(): void {
  const bench = {
    longTasks: [] as { start: number; duration: number }[],
    longFrames: [] as LongFrame[],
    frames: [] as number[],
    /** Input events that took 16 ms or more from input to the next paint (Event Timing). */
    events: [] as InputEvent[],
    recording: false,
  };
  (window as unknown as { __bench: typeof bench }).__bench = bench;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & InputEvent)[])
        bench.events.push({
          name: e.name,
          startTime: e.startTime,
          duration: e.duration,
          processingStart: e.processingStart,
          processingEnd: e.processingEnd,
        });
    }).observe({ type: 'event', buffered: true, durationThreshold: 16 } as PerformanceObserverInit);
  } catch {
    // No Event Timing: the edit phase's long tasks alone.
  }
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      bench.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  // Long animation frames (Chromium 123+): the same stalls with their scripts named, at no tracing
  // cost, so a figure over 50 ms says what ran (the callback, its function and file, its forced
  // style and layout) and how much was the frame's own rendering.
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as PerformanceEntry[] & LoafEntry[]) {
        if (e.duration <= 50) continue;
        bench.longFrames.push({
          start: e.startTime,
          duration: e.duration,
          renderMs: e.renderStart > 0 ? e.startTime + e.duration - e.renderStart : 0,
          scripts: e.scripts
            .filter((x) => x.duration >= 5)
            .map((x) => ({
              ms: Math.round(x.duration),
              compileMs: Math.round(x.executionStart - x.startTime),
              forcedLayoutMs: Math.round(x.forcedStyleAndLayoutDuration),
              what: `${x.invokerType} ${x.invoker}`.slice(0, 80),
              where: `${x.sourceFunctionName || '(anonymous)'} ${x.sourceURL.split('/').pop()}:${x.sourceCharPosition}`,
            })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    // An older browser: long tasks alone.
  }
  try {
    localStorage.setItem('packetwalk.welcome-seen', '1');
  } catch {
    // about:blank has no storage.
  }
}

type Bench = ReturnType<typeof readBench> extends Promise<infer T> ? T : never;
function readBench(page: Page) {
  return page.evaluate(() => {
    const b = (
      window as unknown as {
        __bench: {
          longTasks: { start: number; duration: number }[];
          longFrames: LongFrame[];
          frames: number[];
          events: InputEvent[];
        };
      }
    ).__bench;
    return { longTasks: b.longTasks, longFrames: b.longFrames, frames: b.frames, events: b.events };
  });
}

/**
 * With --profile FILE, a CPU profile of the page per phase (FILE-load.cpuprofile, …): `next(phase)`
 * saves the running one under that phase's name and starts the next.
 */
async function phaseProfiler(page: Page, file: string | undefined) {
  if (!file) return { next: async (_phase: string) => {} };
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return {
    next: async (phase: string) => {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(
        `${file.replace(/\.cpuprofile$/, '')}-${phase}.cpuprofile`,
        JSON.stringify(profile),
      );
      await cdp.send('Profiler.start');
    },
  };
}

/**
 * Waits for a cheap check in the page, polled every 250 ms by the page itself. (Playwright's
 * waitForFunction runs its injected script, ~20-40 ms of script evaluation on the page's main thread
 * the first time after a navigation, which the observer would count as the app's long task; its
 * text and role locators scan the whole page at each poll.) The check's source and the loop are one
 * expression the DevTools protocol evaluates, so the page's CSP (no eval) does not apply.
 */
async function until(page: Page, check: (arg: string) => boolean, arg: string, timeout = 60_000) {
  await page.evaluate(`(async () => {
    const test = ${check.toString()};
    const end = performance.now() + ${timeout};
    while (!test(${JSON.stringify(arg)})) {
      if (performance.now() > end) throw new Error('timed out after ${timeout} ms');
      await new Promise((r) => setTimeout(r, 250));
    }
  })()`);
}

/** With --trace FILE, a Chrome trace of one phase (--trace-phase, the walk by default). */
function phaseTracer(page: Page) {
  const file = option('trace');
  const phase = option('trace-phase') ?? 'walk';
  if (!PHASES.includes(phase as (typeof PHASES)[number]))
    throw new Error(`--trace-phase must be one of ${PHASES.join(', ')} (got ${phase})`);
  const browser = page.context().browser()!;
  return {
    start: async (now: string) => {
      if (file && now === phase)
        await browser.startTracing(page, { path: file, categories: TRACE_CATEGORIES });
    },
    stop: async (now: string) => {
      if (file && now === phase) await browser.stopTracing();
    },
  };
}

/** Page time (performance.now()) now: phases are cut on the page's clock, like the long tasks. */
const pageNow = (page: Page) => page.evaluate(() => performance.now());

/** Records requestAnimationFrame deltas until stopFrames. */
function startFrames(page: Page): Promise<void> {
  return page.evaluate(() => {
    const b = (window as unknown as { __bench: { frames: number[]; recording: boolean } }).__bench;
    b.frames = [];
    b.recording = true;
    let last: number | null = null;
    const tick = (t: number) => {
      if (!b.recording) return;
      if (last !== null) b.frames.push(t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}
async function stopFrames(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const b = (window as unknown as { __bench: { frames: number[]; recording: boolean } }).__bench;
    b.recording = false;
    return b.frames;
  });
}

/** Progress on stderr, so stdout stays the JSON. */
const say = (message: string) => console.error(`bench:ui: ${message}`);

const round = (x: number) => Math.round(x * 10) / 10;

function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
}

function frameFigures(frames: readonly number[]) {
  return {
    frames: frames.length,
    p50Ms: percentile(frames, 50),
    p95Ms: percentile(frames, 95),
    maxMs: frames.length ? round(Math.max(...frames)) : null,
    over33Ms: frames.filter((f) => f > 33.4).length,
  };
}

/**
 * The walk's frames against the same page's idle frames (the floor, measured in the same run): a
 * 60 Hz display paces requestAnimationFrame at 16.67 ms, which its deltas read as 16.7 or 16.8
 * with nothing running, so a p95 of 16.8 is the display's pace, not a slow frame. A frame is
 * dropped when its delta is over 1.5 of the idle median (a vsync missed).
 */
function paceFigures(walk: readonly number[], idle: readonly number[]) {
  const idleP95 = percentile(idle, 95);
  const idleP50 = percentile(idle, 50);
  const walkP95 = percentile(walk, 95);
  return {
    idleP95Ms: idleP95,
    p95OverIdleP95:
      walkP95 !== null && idleP95 ? Math.round((walkP95 / idleP95) * 100) / 100 : null,
    droppedFrames: idleP50 ? walk.filter((f) => f > 1.5 * idleP50).length : null,
  };
}

function longTaskFigures(bench: Omit<Bench, 'frames'>, from: number, to: number) {
  const within = (t: { start: number }) => t.start >= from && t.start < to;
  const inPhase = bench.longTasks.filter(within).map((t) => t.duration);
  return {
    count: inPhase.length,
    maxMs: inPhase.length ? round(Math.max(...inPhase)) : 0,
    sumMs: round(inPhase.reduce((a, b) => a + b, 0)),
    /** Each one, in the order they ran (to find them in a --trace of the phase). */
    eachMs: inPhase.map(round),
    /** The long animation frames over 50 ms in the phase, with the scripts that ran in them. */
    frames: bench.longFrames.filter(within).map((f) => ({
      ms: round(f.duration),
      renderMs: round(f.renderMs),
      scripts: f.scripts,
    })),
  };
}

const EDITOR = '[data-testid=policy-editor] .cm-content';

/** Types one character into the Policies editor (opening the panel if it is closed); the window. */
interface EditWindow {
  /** From the Policies toggle's click until the editor shows (null when the panel was open). */
  readonly opening: { from: number; to: number; ms: number } | null;
  readonly from: number;
  readonly to: number;
}

/** Types one character into the Policies editor (opening the panel if it is closed); the windows. */
async function editPhase(page: Page): Promise<EditWindow> {
  say('edit: one keystroke in the Policies editor');
  const open = (selector: string) => !!document.querySelector(selector);
  let opening: EditWindow['opening'] = null;
  if (!(await page.evaluate(open, EDITOR))) {
    const from = await pageNow(page);
    await page.locator('.panel-toggles button', { hasText: /^Policies$/ }).click();
    await until(page, open, EDITOR);
    const shown = await pageNow(page);
    await page.waitForTimeout(1000);
    opening = { from, to: await pageNow(page), ms: round(shown - from) };
  }
  await page.locator(EDITOR).click();
  await page.keyboard.press('ControlOrMeta+Home');
  await page.keyboard.press('End');
  await page.waitForTimeout(1000);
  const from = await pageNow(page);
  await page.keyboard.type('!');
  await page.waitForTimeout(3000);
  return { opening, from, to: await pageNow(page) };
}

function editFigures(seen: Omit<Bench, 'frames'>, { opening, from, to }: EditWindow) {
  const events = seen.events.filter((e) => e.startTime >= from && e.startTime < to);
  return {
    /** Opening the Policies panel on the whole scenario: until the editor shows (polled every
     * 250 ms), and the long tasks of the second after. */
    ...(opening
      ? {
          panelOpening: {
            shownWithinMs: opening.ms,
            longTasks: longTaskFigures(seen, opening.from, opening.to),
          },
        }
      : {}),
    /** The keystroke's longest event, input to next paint (0: every event under 16 ms). */
    keystrokeMs: events.length ? round(Math.max(...events.map((e) => e.duration))) : 0,
    events: events.map((e) => ({
      name: e.name,
      ms: round(e.duration),
      handlersMs: round(e.processingEnd - e.processingStart),
    })),
    longTasks: longTaskFigures(seen, from, to),
  };
}

async function run(base: string) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: !process.argv.includes('--headed'),
  });
  let page: Page | undefined;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // tsx (esbuild, keepNames) wraps named functions in a `__name` helper the page does not have.
    await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await context.addInitScript(instrument);
    page = await context.newPage();
    // The new tab's first renderer (about:blank) is still starting as newPage returns: ~300 ms of
    // CPU on its main thread and its pool, which ran beside the app's first half second on this
    // 2-core machine (the app's link then opens in a renderer of its own site). Not the app's
    // load: let it settle first.
    await page.waitForTimeout(1000);
    const profiler = await phaseProfiler(page, option('profile'));
    const tracer = phaseTracer(page);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });

    const source = scenarioSource(shape);
    say(`load: opening ${shape.pods} pods, ${shape.policies} policies by ${source.kind}`);
    // Load: from navigation until the scenario is loaded and both walks of its first packet show.
    await tracer.start('load');
    await openScenario(page, base, source);
    const loaded = `${shape.pods} pods, ${shape.policies} policies loaded`;
    await until(
      page,
      (text) =>
        !!document.querySelector('[data-engine-mode]')?.textContent?.includes(text) &&
        /^1 of \d+$/.test(document.querySelector('[data-testid=calico-hop]')?.textContent ?? '') &&
        /of \d+$/.test(document.querySelector('[data-testid=cilium-hop]')?.textContent ?? ''),
      loaded,
      10 * 60_000,
    );
    const loadEnd = await pageNow(page);
    await tracer.stop('load');
    await profiler.next('load');

    // Edit (--edit): one keystroke in the Policies editor holding the whole scenario (a character
    // added to its first line, a comment), and the 3 s after it: the keystroke's latency to the
    // next paint (Event Timing) and the long tasks while the edit reaches both dataplanes.
    const edit = process.argv.includes('--edit') ? await editPhase(page) : undefined;
    if (edit) await profiler.next('edit');

    if (process.argv.includes('--load-only')) {
      // The load phase alone (to repeat it many times): its long tasks, delivered after they end.
      await page.waitForTimeout(300);
      const seen = await readBench(page);
      return {
        scenario: { ...shape, openedBy: source.kind },
        phases: {
          load: { timeMs: round(loadEnd), longTasks: longTaskFigures(seen, 0, loadEnd) },
          ...(edit ? { edit: editFigures(seen, edit) } : {}),
        },
        problems,
      };
    }

    // Idle frames: what this machine's rAF does with nothing to draw, as a floor for the walk's.
    await startFrames(page);
    await page.waitForTimeout(1500);
    const idleFrames = await stopFrames(page);
    const idle = frameFigures(idleFrames);

    say(`matrix (load took ${round(loadEnd)} ms)`);
    // Matrix: open the panel; it is done when it says how many probes both models answered.
    const matrixStart = await pageNow(page);
    await tracer.start('matrix');
    // A CSS locator: a role locator computes the accessible name of every element on the page, a
    // task of its own the observer would count as the app's.
    await page.locator('.panel-toggles button', { hasText: /^Matrix$/ }).click();
    await until(
      page,
      () =>
        [...document.querySelectorAll('.matrix-progress [role=status]')].some((e) =>
          /probes by both models in [\d.]+ s/.test(e.textContent ?? ''),
        ),
      '',
      MATRIX_TIMEOUT_MS,
    );
    const matrixText = await page.evaluate(
      () => document.querySelector('.matrix-progress [role=status]')?.textContent ?? '',
    );
    const matrixEnd = await pageNow(page);
    await tracer.stop('matrix');
    await profiler.next('matrix');

    say(`walk (matrix took ${round(matrixEnd - matrixStart)} ms)`);
    // Walk: Play from the first hop; it ends when the Pause button turns back into Play.
    await page.click('.playback-bar button:first-child'); // Reset
    await tracer.start('walk');
    const walkStart = await pageNow(page);
    await startFrames(page);
    await page.click('.playback-bar button.play');
    const playButton = (label: string) =>
      document.querySelector('.playback-bar button.play')?.textContent === label;
    await until(page, playButton, 'Pause');
    await until(page, playButton, 'Play', 5 * 60_000);
    const walkFrames = await stopFrames(page);
    const walkEnd = await pageNow(page);
    await tracer.stop('walk');
    await profiler.next('walk');
    const hops = await page.evaluate(() => ({
      calico: document.querySelector('[data-testid=calico-hop]')?.textContent,
      cilium: document.querySelector('[data-testid=cilium-hop]')?.textContent,
    }));

    // Long tasks are reported after they end: let the observer deliver the last ones.
    await page.waitForTimeout(300);
    const seen = await readBench(page);
    await context.close();

    const walk = frameFigures(walkFrames);
    const phases = {
      load: { timeMs: round(loadEnd), longTasks: longTaskFigures(seen, 0, loadEnd) },
      matrix: {
        timeMs: round(matrixEnd - matrixStart),
        longTasks: longTaskFigures(seen, matrixStart, matrixEnd),
        panelSays: matrixText,
      },
      ...(edit ? { edit: editFigures(seen, edit) } : {}),
      walk: {
        timeMs: round(walkEnd - walkStart),
        longTasks: longTaskFigures(seen, walkStart, walkEnd),
        hops,
        frameTimes: walk,
      },
    };
    const all = longTaskFigures(seen, 0, Number.POSITIVE_INFINITY);
    return {
      scenario: { ...shape, openedBy: source.kind },
      phases,
      longTasksTotal: all,
      idleFrameTimes: idle,
      targets: {
        longTasksOver50ms: { target: TARGETS.longTasksOver50ms, measured: all.count },
        walkFrameP95Ms: {
          target: TARGETS.walkFrameP95Ms,
          measured: walk.p95Ms,
          ...paceFigures(walkFrames, idleFrames),
        },
      },
      problems,
    };
  } catch (error) {
    // Where it stopped, to look at (the folder the script runs in).
    await page?.screenshot({ path: 'bench-ui-failure.png' }).catch(() => undefined);
    throw error;
  } finally {
    await browser.close();
  }
}

let dist = givenDist;
if (!dist) {
  dist = process.env.PW_OUTDIR || 'dist-bench-ui';
  const build = spawnSync(
    'node_modules/.bin/vite',
    ['build', '--logLevel', 'error', '--outDir', dist],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (build.status !== 0) process.exit(build.status ?? 1);
} else if (!existsSync(`${dist}/index.html`)) {
  console.error(`bench:ui: ${dist}/index.html not found (the argument names a vite build folder)`);
  process.exit(2);
}
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
// vite itself (not through npx), so killing it stops the server.
const server = spawn(
  'node_modules/.bin/vite',
  ['preview', '--outDir', dist, '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
  { stdio: 'ignore' },
);
try {
  await waitForServer(base, server);
  console.log(JSON.stringify(await run(base), null, 2));
} finally {
  server.kill();
}
