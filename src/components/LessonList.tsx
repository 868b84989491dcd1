import { useState } from 'react';
import { useAppActions } from '../store';
import type { LessonSupport } from './lessonSupport';

/** The lessons, in order, each reopening where the learner left it; progress export and import. */
export function LessonList({ support }: { support: LessonSupport }) {
  const setRoute = useAppActions().setRoute;
  const [message, setMessage] = useState<string | null>(null);

  const download = (text: string, name: string) => {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    URL.revokeObjectURL(url);
  };
  const exportProgress = () => {
    if (support.exportText) download(support.exportText(), 'packetwalk-progress.json');
  };
  const unreadable = support.unreadableProgress;

  return (
    <main className="lesson-list">
      <h2>Lessons</h2>
      {unreadable && (
        <div className="notice" role="alert" data-testid="unreadable-progress">
          <p>
            The progress stored in this browser could not be read ({unreadable.error}), so the
            lessons start afresh. The unreadable copy is kept aside; export it to keep it.
          </p>
          <button
            type="button"
            onClick={() => download(unreadable.text, 'packetwalk-progress-unreadable.json')}
          >
            Export the unreadable copy
          </button>{' '}
          <button type="button" onClick={support.dismissUnreadableProgress}>
            Discard it
          </button>
        </div>
      )}
      <div className="progress-tools">
        <button type="button" onClick={exportProgress}>
          Export progress
        </button>
        <label className="import">
          Import progress
          <input
            type="file"
            accept="application/json,.json"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (!file || !support.importText) return;
              const error = support.importText(await file.text());
              setMessage(
                error ? `That file is not PacketWalk progress: ${error}` : 'Progress imported.',
              );
              e.target.value = '';
            }}
          />
        </label>
        <p role="status">{message}</p>
      </div>
      <ol>
        {support.lessons.map((l) => {
          const status = support.status(l.id);
          return (
            <li key={l.id} data-status={status}>
              <button
                type="button"
                className="lesson-link"
                onClick={() =>
                  setRoute({ page: 'lesson', lessonId: l.id, step: support.resume?.(l.id) ?? 0 })
                }
              >
                <span className="lesson-title">
                  {l.number}. {l.title}
                </span>
                <span className="lesson-meta">
                  {l.duration} min · {l.steps.length} steps{status ? ` · ${status}` : ''}
                </span>
              </button>
              <p>{l.summary}</p>
            </li>
          );
        })}
      </ol>
    </main>
  );
}
