/**
 * What the shell needs from the app about lessons and scenarios. Its own module so the shell's parts
 * (LessonList, LessonPlayer) and the app can share these types without importing the shell itself.
 */
import type { Hop } from '../datapath/hop';
import type { CheckpointProgress, LessonSummary } from '../lessons/progress';
import type { Lesson, LessonStep } from '../lessons/types';
import type { ViewState } from '../store';

export interface ScenarioChoice {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

export interface LessonSupport {
  readonly lessons: readonly Lesson[];
  /** True while the lessons are being fetched (they load on demand). */
  readonly loading?: boolean;
  readonly stepView: (lesson: Lesson, step: number) => ViewState;
  readonly hopIndex: (step: LessonStep, hops: readonly Hop[]) => number;
  readonly status: (lessonId: string) => string;
  /** Steps visited, checkpoints right, status and the step to resume at (lessonSummary). */
  readonly summary?: (lessonId: string) => LessonSummary | undefined;
  /** The stored answer to a step's checkpoint, to show it again with its feedback. */
  readonly checkpointProgress?: (
    lessonId: string,
    stepId: string,
  ) => CheckpointProgress | undefined;
  /** The step (0-based) to reopen a lesson at. */
  readonly resume?: (lessonId: string) => number;
  readonly onAnswer?: (lessonId: string, stepId: string, answer: string, correct: boolean) => void;
  readonly exportText?: () => string;
  /** Merges an exported progress file; returns an error message, or null when it was merged. */
  readonly importText?: (text: string) => string | null;
  /** Stored progress that could not be read, kept aside (corrupt, or from a newer version). */
  readonly unreadableProgress?: { readonly text: string; readonly error: string } | null;
  readonly dismissUnreadableProgress?: () => void;
}

export const NO_LESSONS: LessonSupport = {
  lessons: [],
  stepView: () => {
    throw new Error('no lessons');
  },
  hopIndex: () => 0,
  status: () => '',
};
