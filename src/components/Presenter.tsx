import { useEffect, useRef, useState } from 'react';
import type { Lesson } from '../lessons/types';
import { useAppActions } from '../store';
import type { PresenterCommands } from './commands';
import { SpeakerNotes } from './SpeakerNotes';
import { usePresenterSync } from './usePresenterSync';

interface LessonRoute {
  page: 'lesson';
  lessonId: string;
  step: number;
  mode?: 'present' | 'speaker';
}

/**
 * Keeps this window's lesson step and the other presenter windows' in step (BroadcastChannel), either
 * window driving. Returns the blank-screen state and its setter.
 */
function useSyncedStep(route: LessonRoute): { blank: boolean; setBlank: (on: boolean) => void } {
  const setRoute = useAppActions().setRoute;
  const sync = usePresenterSync();
  const [blank, setBlankLocal] = useState(false);
  const { announce, remote } = sync;
  useEffect(() => {
    announce(route.lessonId, route.step);
  }, [announce, route.lessonId, route.step]);
  useEffect(() => {
    if (!remote) return;
    setBlankLocal(remote.blank);
    if (remote.lessonId !== route.lessonId || remote.step !== route.step) {
      setRoute({ ...route, lessonId: remote.lessonId, step: remote.step });
    }
    // Only a new remote state moves this window.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [remote]);
  return {
    blank,
    setBlank: (on) => {
      setBlankLocal(on);
      sync.setBlank(on);
    },
  };
}

/**
 * Presenter mode's overlays: blank screen, go to step, overview. Its keys (F, B, G, O, S, arrows) are
 * entries of the commands table (./commands.ts); this component hands the table its actions while
 * it is on screen.
 */
export function PresenterOverlay({
  lesson,
  route,
  onCommands,
}: {
  lesson: Lesson;
  route: LessonRoute;
  onCommands: (commands: PresenterCommands | null) => void;
}) {
  const setRoute = useAppActions().setRoute;
  const { blank, setBlank } = useSyncedStep(route);
  const [overview, setOverview] = useState(false);
  const [goto, setGoto] = useState(false);
  const gotoInput = useRef<HTMLInputElement>(null);

  // The projector theme for as long as the room is watching comes from the route (src/app/theme.ts,
  // `presenting`), so a reload on a presenter link is in it from the first paint (theme-boot.js).

  const commands: PresenterCommands = {
    toggleFullscreen: () => {
      if (document.fullscreenElement) void document.exitFullscreen();
      else void document.documentElement.requestFullscreen?.().catch(() => {});
    },
    toggleBlank: () => setBlank(!blank),
    toggleOverview: () => setOverview((o) => !o),
    openGoTo: () => setGoto(true),
    openSpeakerView: () => {
      window.open(
        `#/speaker/${lesson.id}/${route.step + 1}`,
        'packetwalk-speaker',
        'popup,width=900,height=700',
      );
    },
    closeOverlays: () => {
      setOverview(false);
      setGoto(false);
    },
  };
  // The table reads the latest actions at each key press.
  useEffect(() => onCommands(commands));
  useEffect(() => () => onCommands(null), [onCommands]);

  // The field opens selected, so "G 5 Enter" goes to step 5.
  useEffect(() => {
    if (!goto) return;
    gotoInput.current?.focus();
    gotoInput.current?.select();
  }, [goto]);

  return (
    <>
      <p className="presenter-hint">
        Presenting: ← → steps · F full screen · B blank · G go to · O overview · S speaker view ·{' '}
        <button
          type="button"
          className="link"
          onClick={() => setRoute({ page: 'lesson', lessonId: lesson.id, step: route.step })}
        >
          Stop presenting
        </button>
      </p>
      {blank && (
        <div
          className="blank-screen"
          data-testid="blank-screen"
          aria-label="Screen blanked"
          role="img"
        />
      )}
      {overview && (
        <div className="overlay" role="dialog" aria-label="Lesson overview">
          <ol>
            {lesson.steps.map((s, i) => (
              <li key={s.id}>
                <button
                  type="button"
                  aria-current={i === route.step ? 'step' : undefined}
                  onClick={() => {
                    setRoute({ ...route, step: i });
                    setOverview(false);
                  }}
                >
                  {i + 1}. {s.title}
                </button>
              </li>
            ))}
          </ol>
        </div>
      )}
      {goto && (
        <form
          className="overlay"
          role="dialog"
          aria-label="Go to step"
          onSubmit={(e) => {
            e.preventDefault();
            const n = Number(gotoInput.current?.value);
            if (Number.isInteger(n) && n >= 1 && n <= lesson.steps.length)
              setRoute({ ...route, step: n - 1 });
            setGoto(false);
          }}
        >
          <label>
            Go to step (1–{lesson.steps.length})
            <input
              ref={gotoInput}
              type="number"
              min={1}
              max={lesson.steps.length}
              defaultValue={route.step + 1}
            />
          </label>
          <button type="submit">Go</button>
        </form>
      )}
    </>
  );
}

/** The speaker view: this step's notes, the next step, a timer; drives the main window and follows it. */
export function SpeakerView({ lesson, route }: { lesson: Lesson; route: LessonRoute }) {
  const setRoute = useAppActions().setRoute;
  useSyncedStep(route);
  const [started, setStarted] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.floor((now - started) / 1000));
  const current = lesson.steps[route.step]!;
  const next = lesson.steps[route.step + 1];
  const go = (step: number) => setRoute({ ...route, step });
  return (
    <main className="speaker-view" aria-labelledby="speaker-title">
      <h1 id="speaker-title">Speaker view · {lesson.title}</h1>
      <p className="speaker-step" data-testid="speaker-step">
        Step {route.step + 1} of {lesson.steps.length}: {current.title}
      </p>
      <p className="speaker-timer" aria-label="Elapsed time">
        {String(Math.floor(seconds / 60)).padStart(2, '0')}:{String(seconds % 60).padStart(2, '0')}{' '}
        <button type="button" onClick={() => setStarted(Date.now())}>
          Reset timer
        </button>
      </p>
      <SpeakerNotes step={current} />
      <section aria-labelledby="next-title">
        <h2 id="next-title">Next</h2>
        <p>{next ? next.title : 'This is the last step.'}</p>
      </section>
      <nav className="lesson-nav" aria-label="Lesson steps">
        <button type="button" onClick={() => go(route.step - 1)} disabled={route.step === 0}>
          Previous step
        </button>
        <button type="button" onClick={() => go(route.step + 1)} disabled={!next}>
          Next step
        </button>
      </nav>
    </main>
  );
}
