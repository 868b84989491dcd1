/**
 * The commands registry: every keyboard shortcut of the app, once. The key handler (useCommands) and
 * the help overlay (HelpOverlay) both read this table, so a shortcut the help lists is a shortcut that
 * works, and a new one is one entry here (plus what it runs).
 *
 * A command runs wherever focus is (a playback button keeps focus after a click: the keys still
 * work), except while typing: in a text field, a select, a slider or the CodeMirror editor the key is
 * left to that control. A key a widget already handled (the matrix grid's arrows) is not taken again.
 */
import { showsVisualizer, type Route } from '../store';

/**
 * What a command may drive. `playback` is the seam to the clock: today it is backed by the store's
 * step/playing actions; the timeline actor (machines/timeline.ts) plugs in here with TOGGLE, STEP,
 * BACK and RESET, and no command changes.
 */
export interface PlaybackCommands {
  toggle(): void;
  stepForward(): void;
  stepBack(): void;
  reset(): void;
}

/** Presenter mode's own actions (its overlays live in Presenter.tsx). */
export interface PresenterCommands {
  toggleFullscreen(): void;
  toggleBlank(): void;
  openGoTo(): void;
  toggleOverview(): void;
  openSpeakerView(): void;
  /** Closes the overview and the go-to field. */
  closeOverlays(): void;
}

export interface CommandContext {
  readonly route: Route;
  readonly playback: PlaybackCommands;
  /** Steps of the lesson open now (0 outside a lesson). */
  readonly lessonSteps: number;
  /** Opens a step of the lesson open now, keeping the presenter mode. */
  goToLessonStep(step: number): void;
  /** Set while presenter mode is on screen. */
  readonly presenter: PresenterCommands | null;
  openHelp(): void;
}

export type CommandGroup = 'General' | 'Playback' | 'Lessons' | 'Presenter mode';

export interface Command {
  readonly id: string;
  /** What it does, as the help lists it. */
  readonly label: string;
  readonly group: CommandGroup;
  /** `KeyboardEvent.key` values that run it. */
  readonly keys: readonly string[];
  /** When it applies (besides "not while typing"). */
  readonly when: (ctx: CommandContext) => boolean;
  /** Also runs while typing in a field (Escape, to close what the field sits in). */
  readonly inFields?: boolean;
  readonly run: (ctx: CommandContext) => void;
}

const presenting = (ctx: CommandContext) =>
  ctx.route.page === 'lesson' && ctx.route.mode !== undefined;
const visualizer = (ctx: CommandContext) => showsVisualizer(ctx.route) && !presenting(ctx);
const inLesson = (ctx: CommandContext) => ctx.route.page === 'lesson' && !presenting(ctx);
const lessonStepBy = (ctx: CommandContext, by: number) => {
  if (ctx.route.page !== 'lesson') return;
  const next = ctx.route.step + by;
  if (next >= 0 && next < ctx.lessonSteps) ctx.goToLessonStep(next);
};
const withPresenter =
  (run: (p: PresenterCommands) => void) =>
  (ctx: CommandContext): void => {
    if (ctx.presenter) run(ctx.presenter);
  };
/** A playback action, in the visualizer. */
const playbackKey = (
  id: string,
  label: string,
  keys: readonly string[],
  act: (p: PlaybackCommands) => void,
): Command => ({
  id,
  label,
  group: 'Playback',
  keys,
  when: visualizer,
  run: (ctx) => act(ctx.playback),
});
const presenterOn = (ctx: CommandContext) => ctx.presenter !== null;
/** A presenter-mode action on a letter key, in either case. */
const presenterLetter = (
  id: string,
  label: string,
  letter: string,
  act: (p: PresenterCommands) => void,
): Command => ({
  id,
  label,
  group: 'Presenter mode',
  keys: [letter, letter.toUpperCase()],
  when: presenterOn,
  run: withPresenter(act),
});

export const COMMANDS: readonly Command[] = [
  {
    id: 'help',
    label: 'Show the keyboard shortcuts and the legend of the drawing',
    group: 'General',
    keys: ['?'],
    when: () => true,
    run: (ctx) => ctx.openHelp(),
  },
  playbackKey('play-pause', 'Play or pause', [' '], (p) => p.toggle()),
  playbackKey('step-forward', 'Next hop', ['ArrowRight'], (p) => p.stepForward()),
  playbackKey('step-back', 'Previous hop', ['ArrowLeft'], (p) => p.stepBack()),
  playbackKey('reset', 'Back to the first hop', ['r', 'R'], (p) => p.reset()),
  {
    id: 'lesson-next',
    label: 'Next lesson step',
    group: 'Lessons',
    keys: ['n', 'PageDown'],
    when: inLesson,
    run: (ctx) => lessonStepBy(ctx, 1),
  },
  {
    id: 'lesson-previous',
    label: 'Previous lesson step',
    group: 'Lessons',
    keys: ['p', 'PageUp'],
    when: inLesson,
    run: (ctx) => lessonStepBy(ctx, -1),
  },
  {
    id: 'present-next',
    label: 'Next step',
    group: 'Presenter mode',
    keys: ['ArrowRight', 'ArrowDown', ' ', 'PageDown'],
    when: presenting,
    run: (ctx) => lessonStepBy(ctx, 1),
  },
  {
    id: 'present-previous',
    label: 'Previous step',
    group: 'Presenter mode',
    keys: ['ArrowLeft', 'ArrowUp', 'PageUp'],
    when: presenting,
    run: (ctx) => lessonStepBy(ctx, -1),
  },
  presenterLetter('present-fullscreen', 'Full screen on or off', 'f', (p) => p.toggleFullscreen()),
  presenterLetter('present-blank', 'Blank the screen, or show it again', 'b', (p) =>
    p.toggleBlank(),
  ),
  presenterLetter('present-go-to', 'Go to a step by its number', 'g', (p) => p.openGoTo()),
  presenterLetter('present-overview', 'Overview of the steps', 'o', (p) => p.toggleOverview()),
  presenterLetter('present-speaker', 'Open the speaker view in a second window', 's', (p) =>
    p.openSpeakerView(),
  ),
  {
    id: 'present-close',
    label: 'Close the overview or the go-to field',
    group: 'Presenter mode',
    keys: ['Escape'],
    when: presenterOn,
    inFields: true,
    run: withPresenter((p) => p.closeOverlays()),
  },
];

/** Where a key belongs to the focused control, not to a shortcut: text fields, selects, the editor. */
const TYPING =
  'input:not([type="button"]):not([type="submit"]):not([type="reset"]), select, textarea, [contenteditable]:not([contenteditable="false"]), .cm-editor';

export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as Element | null;
  return typeof el?.closest === 'function' && el.closest(TYPING) !== null;
}

/** The key as the help shows it. */
export function keyName(key: string): string {
  const names: Record<string, string> = {
    ' ': 'Space',
    ArrowRight: '→',
    ArrowLeft: '←',
    ArrowUp: '↑',
    ArrowDown: '↓',
    PageDown: 'Page Down',
    PageUp: 'Page Up',
    Escape: 'Esc',
  };
  return names[key] ?? key;
}

/** The keys of a command as the help shows them: one per physical key (`F`, not `f` and `F`). */
export function shownKeys(command: Command): string[] {
  const seen = new Set<string>();
  for (const k of command.keys) seen.add(k.length === 1 ? k.toUpperCase() : k);
  return [...seen].map((k) => (k === ' ' ? 'Space' : keyName(k)));
}

/**
 * The command a key press runs now, or undefined: the event is left alone when a modifier is held,
 * when a control already handled it, or when focus is in a field (unless the command runs there).
 */
export function commandFor(
  e: Pick<KeyboardEvent, 'key' | 'altKey' | 'ctrlKey' | 'metaKey' | 'defaultPrevented' | 'target'>,
  ctx: CommandContext,
  commands: readonly Command[] = COMMANDS,
): Command | undefined {
  if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return undefined;
  const typing = isTypingTarget(e.target);
  return commands.find(
    (c) => c.keys.includes(e.key) && (!typing || c.inFields === true) && c.when(ctx),
  );
}
