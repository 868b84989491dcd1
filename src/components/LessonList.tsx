import { useState } from 'react';
import type { Lesson } from '../lessons/types';
import { useAppActions } from '../store';
import type { LessonSupport } from './lessonSupport';
import { ProgressTools, useProgressImport } from './ProgressTools';
import './LessonList.css';

/**
 * The lessons, in order: where the learner is in each (step N of M, checkpoints right) and one
 * button to start, resume or review it; progress export and import (a button or a file dropped on
 * the list); a link to the seed articles' fact check.
 */
export function LessonList({ support }: { support: LessonSupport }) {
  const setRoute = useAppActions().setRoute;
  const [dragging, setDragging] = useState(false);
  const progressImport = useProgressImport(support);
  const unreadable = support.unreadableProgress;

  return (
    <main
      className={`lesson-list${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(false);
        void progressImport.importFiles([...e.dataTransfer.files]);
      }}
    >
      <div className="lesson-list-head">
        <h2>Lessons</h2>
        <a className="facts-link" href="#/facts">
          The seed articles, fact-checked →
        </a>
      </div>
      {unreadable && (
        <div className="notice" role="alert" data-testid="unreadable-progress">
          <p>
            The progress stored in this browser could not be read ({unreadable.error}), so the
            lessons start afresh. The unreadable copy is kept aside; export it to keep it.
          </p>
          <button
            type="button"
            onClick={() => downloadJson(unreadable.text, 'packetwalk-progress-unreadable.json')}
          >
            Export the unreadable copy
          </button>{' '}
          <button type="button" onClick={support.dismissUnreadableProgress}>
            Discard it
          </button>
        </div>
      )}
      <ProgressTools
        support={support}
        progressImport={progressImport}
        onExport={(text) => downloadJson(text, 'packetwalk-progress.json')}
      />
      <ol>
        {support.lessons.map((l) => (
          <LessonCard
            key={l.id}
            lesson={l}
            support={support}
            open={(step) => setRoute({ page: 'lesson', lessonId: l.id, step })}
          />
        ))}
      </ol>
    </main>
  );
}

function LessonCard({
  lesson,
  support,
  open,
}: {
  lesson: Lesson;
  support: LessonSupport;
  open: (step: number) => void;
}) {
  const summary = support.summary?.(lesson.id);
  const status = summary?.status ?? 'not-started';
  const steps = lesson.steps.length;
  const at = summary?.resumeStep ?? support.resume?.(lesson.id) ?? 0;
  const action = status === 'in-progress' ? 'Resume' : status === 'done' ? 'Review' : 'Start';
  const checkpoints = summary
    ? summary.checkpoints === 0
      ? 'No checkpoints'
      : `Checkpoints: ${summary.checkpointsCorrect} of ${summary.checkpoints} correct`
    : null;
  const seen = summary ? summary.stepsVisited / Math.max(1, summary.steps) : 0;
  return (
    <li data-status={status} data-lesson={lesson.id}>
      <div className="lesson-card-text">
        <h3 className="lesson-title">
          {lesson.number}. {lesson.title}
        </h3>
        <p className="lesson-meta">
          {lesson.duration} min · {steps} steps · {support.status(lesson.id) || 'not started'}
        </p>
        <p className="lesson-summary">{lesson.summary}</p>
      </div>
      <div className="lesson-card-side">
        {status === 'in-progress' && (
          <p className="lesson-where" data-testid="lesson-where">
            Step {at + 1} of {steps}
          </p>
        )}
        {status === 'done' && <p className="lesson-where">Done</p>}
        {summary && status !== 'not-started' && (
          <>
            <p className="lesson-counts" data-testid="lesson-counts">
              {checkpoints}
              <br />
              Steps seen: {summary.stepsVisited} of {summary.steps}
            </p>
            <span className="lesson-bar" aria-hidden="true">
              <span style={{ width: `${Math.round(seen * 100)}%` }} />
            </span>
          </>
        )}
        <button
          type="button"
          className={status === 'in-progress' ? 'primary' : undefined}
          aria-label={`${action} lesson ${lesson.number}: ${lesson.title}`}
          onClick={() => open(status === 'in-progress' ? at : 0)}
        >
          {action}
        </button>
      </div>
    </li>
  );
}

function downloadJson(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}
