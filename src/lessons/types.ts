/**
 * The lesson format: what lessons/NN-slug/ folders hold once parsed. Plain data.
 *
 * lessons/NN-slug/lesson.md    front matter (title, summary, duration, prerequisites) + prose
 * lessons/NN-slug/steps.yaml   the steps: each sets a view and may make claims and ask a checkpoint
 * lessons/NN-slug/notes.yaml   the speaker notes: point / say / ask / answer for every step id
 * lessons/NN-slug/*.yaml       optional scenario manifests of the lesson's own
 */
import type { CalicoConfig, CiliumConfig } from '../datapath/config';
import type { Stage } from '../datapath/hop';
import type { PacketSpec } from '../datapath/packet';
import type { WalkVerdict } from '../datapath/walk';
import type { Cni } from '../engine/model';
import type { PanelId } from '../registry/panels';
import type { HopAddress } from './hopAddress';
import type { FlowsView } from '../registry/panels';

export type { Cni };

/** What a step shows: partial modes are merged over the defaults. */
export interface StepView {
  /**
   * A shared scenario id (lessons/scenarios/<id>.yaml), a file of the lesson (`./x.yaml`), or a
   * generated cluster (`gen:<token>`, written in steps.yaml as `{generate: {…}}` or as the token).
   */
  readonly scenario: string;
  readonly calico?: Partial<CalicoConfig>;
  readonly cilium?: Partial<CiliumConfig>;
  readonly packet?: PacketSpec;
  /** The hop to stop at: an index, or the first hop at a stage and place (hopAddress.ts). */
  readonly hop?: number | HopAddress;
  readonly layout?: 'compare' | Cni;
  readonly panels?: readonly PanelId[];
  /** Words to highlight in the inspector (a chain, a map, a route). */
  readonly highlight?: readonly string[];
  /** The Flows panel: its tab and filters, and a traffic file of the lesson's (`./traffic.yaml`). */
  readonly flows?: Partial<Omit<FlowsView, 'traffic'>> & { readonly traffic?: string };
}

/** Claims the replay test checks against the engine and the datapath. */
export interface StepClaims {
  readonly verdict?: Partial<Record<Cni, WalkVerdict>>;
  /** Text that must appear in some hop (`where`, `table` or `match`) of that CNI's walk. */
  readonly hopMentions?: Partial<Record<Cni, readonly string[]>>;
  /** Text that must appear in no hop of that CNI's walk. */
  readonly hopNotMentions?: Partial<Record<Cni, readonly string[]>>;
}

export type Checkpoint =
  | {
      readonly kind: 'predict-verdict';
      readonly cni: Cni;
      readonly question: string;
      readonly answer: WalkVerdict;
      readonly explanation: string;
    }
  | {
      readonly kind: 'next-hook';
      readonly cni: Cni;
      readonly question: string;
      /** Choices are stages; the answer is the stage of the hop after the step's hop. */
      readonly choices: readonly Stage[];
      readonly answer: Stage;
      readonly explanation: string;
    }
  | {
      readonly kind: 'deciding-table';
      readonly cni: Cni;
      readonly question: string;
      /** Choices are table names (a chain or a map); the answer must name where the verdict was decided. */
      readonly choices: readonly string[];
      readonly answer: string;
      readonly explanation: string;
    }
  | {
      /**
       * Challenge mode inside a lesson: per CNI, predict the verdict and the hop that decides it.
       * No answer is written: the walks of the step's packet give it (lessons/challenge.ts), and
       * the choices of hops are drawn from them by `seed`.
       */
      readonly kind: 'challenge';
      /** The CNIs to predict for (both unless the step says otherwise). */
      readonly cnis: readonly Cni[];
      readonly question: string;
      readonly seed: number;
      /** Shown once every part is right. */
      readonly explanation: string;
    };

/**
 * Speaker notes for one step (lessons/NN-slug/notes.yaml, keyed by step id). Markdown, each field
 * required and non-empty.
 */
export interface StepNotes {
  /** What to point at on the picture (an element the room can see). */
  readonly point: string;
  /** One or two sentences to say. */
  readonly say: string;
  /** One question to ask the room. */
  readonly ask: string;
  /** Its answer, one or two sentences. */
  readonly answer: string;
}

export interface LessonStep {
  readonly id: string;
  readonly title: string;
  /** Markdown. */
  readonly text: string;
  /** The presenter's notes for this step, from the lesson's notes.yaml; shown in the speaker view. */
  readonly notes?: StepNotes;
  readonly view: StepView;
  readonly claims?: StepClaims;
  readonly checkpoint?: Checkpoint;
  /** Where the step is written, for error messages. */
  readonly line: number;
}

/** A questionnaire that recommends a CNI and explains why (lesson 13's decision matrix). */
export interface QuestionOption {
  readonly label: string;
  readonly points: Readonly<Record<Cni, number>>;
  readonly why: string;
}

export interface Question {
  readonly id: string;
  readonly question: string;
  readonly options: readonly QuestionOption[];
}

export interface Questionnaire {
  readonly title: string;
  readonly questions: readonly Question[];
}

/** lesson.md's front matter. */
export interface LessonFrontMatter {
  readonly title: string;
  readonly summary: string;
  /** Minutes. */
  readonly duration: number;
  /** Lesson ids to take first. */
  readonly prerequisites: readonly string[];
}

export interface Lesson extends LessonFrontMatter {
  /** The folder name, e.g. `03-across-nodes`. */
  readonly id: string;
  readonly number: number;
  /** The prose of lesson.md (Markdown, front matter removed). */
  readonly body: string;
  readonly steps: readonly LessonStep[];
  /** `questionnaire.yaml`, when the lesson has one. */
  readonly questionnaire?: Questionnaire;
  /** Scenario files of the lesson's own: name -> text. */
  readonly scenarios: Readonly<Record<string, string>>;
}

export interface LessonProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}
