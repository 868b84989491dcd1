import type { Lesson } from '../lessons/types';
import { useAppStore } from '../store';

/** The lessons, in order, each opening at its first step. */
export function LessonList({
  lessons,
  status,
}: {
  lessons: readonly Lesson[];
  status: (id: string) => string;
}) {
  const setRoute = useAppStore((s) => s.setRoute);
  return (
    <main className="lesson-list">
      <h2>Lessons</h2>
      <ol>
        {lessons.map((l) => (
          <li key={l.id}>
            <button
              type="button"
              className="lesson-link"
              onClick={() => setRoute({ page: 'lesson', lessonId: l.id, step: 0 })}
            >
              <span className="lesson-title">
                {l.number}. {l.title}
              </span>
              <span className="lesson-meta">
                {l.duration} min · {l.steps.length} steps · {status(l.id)}
              </span>
            </button>
            <p>{l.summary}</p>
          </li>
        ))}
      </ol>
    </main>
  );
}
