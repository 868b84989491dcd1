/**
 * Replays every step of a lesson through the engine and the datapath and checks each claim it
 * makes: the verdicts, the hops it names, and the answers of its checkpoints, which are computed
 * from the walk, never trusted as written.
 */
import { DEFAULT_CALICO_CONFIG, DEFAULT_CILIUM_CONFIG, type WalkConfig } from '../datapath/config';
import { walk, type WalkResult } from '../datapath/walk';
import {
  GENERATED_PREFIX,
  generateCluster,
  isGeneratedScenarioId,
  parseGenerateToken,
} from '../engine/generate';
import { formatDiagnostic } from '../engine/model';
import { loadManifests } from '../engine/parse/load';
import { createEngine, type Engine } from '../engine/verdict';
import { hopChoices } from './challenge';
import { decidingHop, hopMentions } from './deciding';
import { findHop } from './hopAddress';
import type { Checkpoint, Cni, Lesson, LessonProblem, LessonStep } from './types';

export interface StepReplay {
  readonly walks: Readonly<Record<Cni, WalkResult>>;
  /** The hop index the step stops at, per CNI (clamped to each walk). */
  readonly hopIndex: Readonly<Record<Cni, number>>;
}

const mentions = hopMentions;

/** A generated scenario's manifests (the same text the app generates for the id). */
function generatedText(id: string): string | undefined {
  const parsed = parseGenerateToken(id.slice(GENERATED_PREFIX.length));
  return parsed.ok ? generateCluster(parsed.options) : undefined;
}

/**
 * What keeps a challenge checkpoint from being asked: a CNI the step does not show, or a walk with
 * no deciding hop or nothing else to choose from. The answers themselves are the walks'.
 */
function challengeProblems(
  cp: Extract<Checkpoint, { kind: 'challenge' }>,
  walks: Readonly<Record<Cni, WalkResult>>,
  layout: 'compare' | Cni,
): string[] {
  const problems: string[] = [];
  for (const cni of cp.cnis) {
    if (layout !== 'compare' && layout !== cni) {
      problems.push(
        `the challenge asks about ${cni}, which the step's layout (${layout}) does not show`,
      );
      continue;
    }
    const choices = hopChoices(walks, cni, cp.seed);
    if (choices.length === 0)
      problems.push(
        `the challenge has no ${cni} hop to ask about: the walk is delivered without a policy hop`,
      );
    else if (choices.length < 2)
      problems.push(`the challenge offers only one ${cni} hop to choose from`);
  }
  return problems;
}

export class LessonReplayer {
  private readonly engines = new Map<string, Engine>();

  constructor(private readonly sharedScenarios: Readonly<Record<string, string>>) {}

  private engineFor(lesson: Lesson, scenario: string): Engine | string {
    const text = scenario.startsWith('./')
      ? lesson.scenarios[scenario]
      : isGeneratedScenarioId(scenario)
        ? generatedText(scenario)
        : this.sharedScenarios[scenario];
    if (text === undefined) return `unknown scenario "${scenario}"`;
    const key = `${lesson.id}:${scenario}`;
    const cached = this.engines.get(key);
    if (cached) return cached;
    const { cluster, diagnostics } = loadManifests([{ name: scenario, text }]);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0)
      return `scenario ${scenario} does not load: ${formatDiagnostic(errors[0]!)}`;
    const engine = createEngine(cluster);
    this.engines.set(key, engine);
    return engine;
  }

  /** Walks one step; returns the walks and the hop it stops at, or a problem. */
  replayStep(lesson: Lesson, step: LessonStep): StepReplay | string {
    const engine = this.engineFor(lesson, step.view.scenario);
    if (typeof engine === 'string') return engine;
    if (!step.view.packet) return 'the step has no packet to walk';
    const configs: Record<Cni, WalkConfig> = {
      calico: { cni: 'calico', calico: { ...DEFAULT_CALICO_CONFIG, ...step.view.calico } },
      cilium: { cni: 'cilium', cilium: { ...DEFAULT_CILIUM_CONFIG, ...step.view.cilium } },
    };
    const walks = {} as Record<Cni, WalkResult>;
    const hopIndex = {} as Record<Cni, number>;
    for (const cni of ['calico', 'cilium'] as const) {
      try {
        walks[cni] = walk(engine, configs[cni], step.view.packet);
      } catch (error) {
        return `${cni} walk fails: ${error instanceof Error ? error.message : String(error)}`;
      }
      const hops = walks[cni].hops;
      const target = step.view.hop;
      if (target === undefined) hopIndex[cni] = 0;
      else if (typeof target === 'number') hopIndex[cni] = Math.min(target, hops.length - 1);
      else {
        hopIndex[cni] = findHop(hops, target);
      }
    }
    return { walks, hopIndex };
  }

  replay(lesson: Lesson, path: string): LessonProblem[] {
    const problems: LessonProblem[] = [];
    for (const step of lesson.steps) {
      const at = (message: string) =>
        problems.push({
          file: `${path}/steps.yaml`,
          line: step.line,
          column: 1,
          message: `step "${step.id}": ${message}`,
        });
      if (!step.view.packet) {
        if (step.claims || step.checkpoint) at('claims and checkpoints need a packet');
        continue;
      }
      const r = this.replayStep(lesson, step);
      if (typeof r === 'string') {
        at(r);
        continue;
      }
      const target = step.view.hop;
      for (const cni of ['calico', 'cilium'] as const) {
        if (
          typeof target === 'object' &&
          r.hopIndex[cni] < 0 &&
          (step.view.layout ?? 'compare') !== (cni === 'calico' ? 'cilium' : 'calico')
        ) {
          at(
            `no ${cni} hop at stage ${target.stage}${target.place ? ` at ${target.place}` : ''}${target.where ? ` whose where mentions "${target.where}"` : ''}`,
          );
        }
        const claims = step.claims;
        const verdict = claims?.verdict?.[cni];
        if (verdict && r.walks[cni].verdict !== verdict) {
          at(
            `claims ${cni} ${verdict}, but the walk ends ${r.walks[cni].verdict}${r.walks[cni].dropReason ? ` (${r.walks[cni].dropReason})` : ''}`,
          );
        }
        for (const text of claims?.hopMentions?.[cni] ?? []) {
          if (!r.walks[cni].hops.some((h) => mentions(h, text)))
            at(`no ${cni} hop mentions "${text}"`);
        }
        for (const text of claims?.hopNotMentions?.[cni] ?? []) {
          if (r.walks[cni].hops.some((h) => mentions(h, text)))
            at(`a ${cni} hop mentions "${text}", which the step says it does not`);
        }
      }
      const cp = step.checkpoint;
      if (cp?.kind === 'challenge') {
        for (const problem of challengeProblems(cp, r.walks, step.view.layout ?? 'compare'))
          at(problem);
      } else if (cp) {
        const result = r.walks[cp.cni];
        if (cp.kind === 'predict-verdict' && result.verdict !== cp.answer) {
          at(
            `checkpoint answer "${cp.answer}" is wrong: the ${cp.cni} walk ends ${result.verdict}`,
          );
        }
        if (cp.kind === 'next-hook') {
          const next = result.hops[r.hopIndex[cp.cni] + 1];
          if (!next)
            at(`checkpoint asks for the next hook, but the ${cp.cni} walk ends at this hop`);
          else if (next.stage !== cp.answer)
            at(
              `checkpoint answer "${cp.answer}" is wrong: the next ${cp.cni} hop is ${next.stage}`,
            );
        }
        if (cp.kind === 'deciding-table') {
          const hop = decidingHop(result);
          if (!hop || !mentions(hop, cp.answer)) {
            at(
              `checkpoint answer "${cp.answer}" is not where the ${cp.cni} verdict was decided (${hop ? `${hop.where} / ${hop.table ?? ''}` : 'no policy hop'})`,
            );
          }
          const also = cp.choices.filter((c) => c !== cp.answer && hop && mentions(hop, c));
          if (also.length > 0)
            at(
              `checkpoint choices ${also.join(', ')} also name the deciding hop: the question is ambiguous`,
            );
        }
      }
    }
    return problems;
  }
}
