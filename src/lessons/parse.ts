/**
 * Parses and validates one lesson folder (its files given as text), reporting every problem with
 * file:line:column. Pure: the CLI reads the files, the app bundles them, tests pass them in.
 */
import { cniOptions, CNIS, type AnyOption } from '../datapath/options';
import { STAGES, type Stage } from '../datapath/hop';
import { WALK_VERDICTS } from '../datapath/walk';
import {
  GENERATED_PREFIX,
  generatedScenarioId,
  generateProblems,
  isGeneratedScenarioId,
  parseGenerateToken,
} from '../engine/generateOptions';
import type { Diagnostic } from '../engine/model';
import { Reader } from '../engine/parse/reader';
import { parseYamlFile } from '../engine/parse/yaml';
import { FLOW_TABS, isPanelId, PANELS } from '../registry/panels';
import { parseTraffic } from '../datapath/flows/traffic';
import { MAX_SEED } from './challenge';
import type {
  Checkpoint,
  Cni,
  Lesson,
  LessonProblem,
  LessonStep,
  Question,
  Questionnaire,
  StepClaims,
  StepNotes,
  StepView,
} from './types';

export const LESSON_DIR = /^(\d{2})-[a-z0-9-]+$/;

const problemOf = (d: Diagnostic): LessonProblem => ({
  file: d.pos.file,
  line: d.pos.line,
  column: d.pos.column,
  message: `${d.field ? `${d.field}: ` : ''}${d.message}`,
});

/** The four parts of a step's speaker notes, in the order notes.yaml writes them. */
export const NOTE_FIELDS = [
  'point',
  'say',
  'ask',
  'answer',
] as const satisfies readonly (keyof StepNotes)[];

/** Files of a lesson folder that are not scenario manifests. */
const CONTENT_FILES = new Set(['steps.yaml', 'questionnaire.yaml', 'notes.yaml']);

export interface ParseOptions {
  /**
   * A lesson without notes.yaml is a problem (every step needs speaker notes). Without it, only a
   * lesson that has notes.yaml must cover every step.
   */
  readonly requireNotes?: boolean;
}

export interface LessonFiles {
  /** Folder name, e.g. `03-across-nodes`. */
  readonly id: string;
  /** Path prefix for messages, e.g. `lessons/03-across-nodes`. */
  readonly path: string;
  /** File name -> text, for the files of the folder. */
  readonly files: Readonly<Record<string, string>>;
}

export function parseLesson(
  input: LessonFiles,
  options: ParseOptions = {},
): {
  lesson: Lesson | null;
  problems: LessonProblem[];
} {
  const problems: LessonProblem[] = [];
  const file = (name: string) => `${input.path}/${name}`;
  const m = LESSON_DIR.exec(input.id);
  if (!m)
    problems.push({
      file: input.path,
      line: 1,
      column: 1,
      message: 'a lesson folder is named NN-slug (two digits, then lowercase words)',
    });

  // lesson.md: front matter between two `---` lines, then the prose.
  const md = input.files['lesson.md'];
  let front: Record<string, unknown> = {};
  let body = '';
  const sink: Diagnostic[] = [];
  if (md === undefined) {
    problems.push({ file: file('lesson.md'), line: 1, column: 1, message: 'missing lesson.md' });
  } else {
    const fm = /^---\n([\s\S]*?)\n---\n?/.exec(md);
    if (!fm) {
      problems.push({
        file: file('lesson.md'),
        line: 1,
        column: 1,
        message: 'lesson.md must start with front matter between --- lines',
      });
    } else {
      // Front matter starts on line 2 of the file; the YAML positions are shifted accordingly.
      const parsed = parseYamlFile(fm[1]!, file('lesson.md'));
      parsed.diagnostics.forEach((d) => problems.push({ ...problemOf(d), line: d.pos.line + 1 }));
      const doc = parsed.documents[0];
      if (doc) {
        const r = new Reader(
          {
            ...doc,
            posOf: (p) => {
              const pos = doc.posOf(p);
              return { ...pos, line: pos.line + 1 };
            },
          },
          'front matter',
          sink,
          'error',
        );
        r.keys('', ['title', 'summary', 'duration', 'prerequisites']);
        front = {
          title: r.string('title', { required: true }),
          summary: r.string('summary', { required: true }),
          duration: r.int('duration', { required: true, min: 1, max: 240 }),
          prerequisites: r.strings('prerequisites') ?? [],
        };
      }
      body = md.slice(fm[0].length).trim();
      if (body.length === 0)
        problems.push({
          file: file('lesson.md'),
          line: 1,
          column: 1,
          message: 'lesson.md has no prose after the front matter',
        });
    }
  }

  const stepsText = input.files['steps.yaml'];
  const steps: LessonStep[] = [];
  /** Where each step is written (its `- id:` item), for a step that has no notes. */
  const stepPos = new Map<string, { line: number; column: number; path: string }>();
  if (stepsText === undefined) {
    problems.push({ file: file('steps.yaml'), line: 1, column: 1, message: 'missing steps.yaml' });
  } else {
    const parsed = parseYamlFile(stepsText, file('steps.yaml'));
    parsed.diagnostics
      .filter((d) => d.severity === 'error')
      .forEach((d) => problems.push(problemOf(d)));
    const doc = parsed.documents[0];
    if (doc) {
      const r = new Reader(doc, 'steps', sink, 'error');
      r.keys('', ['steps']);
      const list = r.list('steps', { required: true }) ?? [];
      if (list.length < 5 || list.length > 15)
        r.error('steps', `a lesson has 5 to 15 steps, not ${list.length}`);
      const ids = new Set<string>();
      list.forEach((_, i) => {
        const step = readStep(r, `steps[${i}]`, input.files);
        if (!step) return;
        if (ids.has(step.id)) r.error(`steps[${i}].id`, `duplicate step id "${step.id}"`);
        ids.add(step.id);
        steps.push(step);
        const pos = r.posOf(`steps[${i}]`);
        stepPos.set(step.id, { line: pos.line, column: pos.column, path: `steps[${i}]` });
      });
    }
  }
  const questionnaireText = input.files['questionnaire.yaml'];
  let questionnaire: Questionnaire | undefined;
  if (questionnaireText !== undefined) {
    const parsed = parseYamlFile(questionnaireText, file('questionnaire.yaml'));
    parsed.diagnostics
      .filter((d) => d.severity === 'error')
      .forEach((d) => problems.push(problemOf(d)));
    const doc = parsed.documents[0];
    if (doc) questionnaire = readQuestionnaire(new Reader(doc, 'questionnaire', sink, 'error'));
  }
  const notesText = input.files['notes.yaml'];
  let notes = new Map<string, StepNotes>();
  /** Step ids notes.yaml has an entry for, complete or not (an incomplete one is reported there). */
  let entries = new Set<string>();
  if (notesText === undefined) {
    if (options.requireNotes && stepsText !== undefined)
      problems.push({
        file: file('notes.yaml'),
        line: 1,
        column: 1,
        message: `missing notes.yaml: every step needs speaker notes (point, say, ask, answer)`,
      });
  } else {
    const parsed = parseYamlFile(notesText, file('notes.yaml'));
    parsed.diagnostics
      .filter((d) => d.severity === 'error')
      .forEach((d) => problems.push(problemOf(d)));
    const doc = parsed.documents[0];
    if (doc) ({ notes, entries } = readNotes(new Reader(doc, 'notes', sink, 'error'), steps));
    else
      problems.push({
        file: file('notes.yaml'),
        line: 1,
        column: 1,
        message: 'notes.yaml is empty: it holds `notes:` with one entry per step id',
      });
    // A step without notes is reported where the step is written.
    for (const step of steps) {
      if (entries.has(step.id)) continue;
      const pos = stepPos.get(step.id)!;
      problems.push({
        file: file('steps.yaml'),
        line: pos.line,
        column: pos.column,
        message: `${pos.path}: step "${step.id}" has no speaker notes (add notes.${step.id} with point, say, ask and answer to notes.yaml)`,
      });
    }
  }
  sink.filter((d) => d.severity === 'error').forEach((d) => problems.push(problemOf(d)));
  if (problems.length > 0 || !m) return { lesson: null, problems };
  const scenarios: Record<string, string> = {};
  for (const [name, text] of Object.entries(input.files)) {
    if (name.endsWith('.yaml') && !CONTENT_FILES.has(name)) {
      scenarios[`./${name}`] = text;
    }
  }
  return {
    lesson: {
      id: input.id,
      number: Number(m[1]),
      title: front.title as string,
      summary: front.summary as string,
      duration: front.duration as number,
      prerequisites: front.prerequisites as string[],
      body,
      steps: steps.map((step) => {
        const n = notes.get(step.id);
        return n ? { ...step, notes: n } : step;
      }),
      ...(questionnaire ? { questionnaire } : {}),
      scenarios,
    },
    problems,
  };
}

/**
 * notes.yaml: `notes:` maps each step id, in step order, to its four non-empty parts. Returns the
 * complete entries and the ids of all entries; every problem goes to the reader's sink at its line.
 */
function readNotes(
  r: Reader,
  steps: readonly LessonStep[],
): { notes: Map<string, StepNotes>; entries: Set<string> } {
  const out = new Map<string, StepNotes>();
  r.keys('', ['notes']);
  const map = r.map('notes', { required: true });
  const entries = new Set(Object.keys(map ?? {}));
  if (!map) return { notes: out, entries };
  const order = steps.map((s) => s.id);
  let last = -1;
  for (const id of Object.keys(map)) {
    const path = `notes.${id}`;
    const at = order.indexOf(id);
    if (at < 0) {
      // With no step read (steps.yaml failed), every id would look unknown: say nothing more.
      if (order.length > 0)
        r.error(
          path,
          `no step has the id "${id}" (steps.yaml has: ${order.join(', ') || 'no steps'})`,
        );
      continue;
    }
    if (at < last)
      r.error(path, `notes are written in step order: "${id}" comes before "${order[last]}"`);
    last = Math.max(last, at);
    if (!r.map(path, { required: true })) continue;
    r.keys(path, NOTE_FIELDS);
    const entry: Partial<Record<(typeof NOTE_FIELDS)[number], string>> = {};
    for (const field of NOTE_FIELDS) {
      const p = `${path}.${field}`;
      const v = r.get(p);
      if (v === undefined) {
        r.error(path, `missing field "${field}" (a note has ${NOTE_FIELDS.join(', ')})`);
        continue;
      }
      const text = v === null ? '' : r.string(p);
      if (text === undefined) continue;
      if (text.trim().length === 0) {
        r.error(p, 'is empty');
        continue;
      }
      entry[field] = text.trim();
    }
    if (NOTE_FIELDS.every((f) => entry[f] !== undefined)) out.set(id, entry as StepNotes);
  }
  return { notes: out, entries };
}

function readStep(
  r: Reader,
  path: string,
  files: Readonly<Record<string, string>>,
): LessonStep | null {
  if (!r.map(path, { required: true })) return null;
  r.keys(path, ['id', 'title', 'text', 'notes', 'view', 'claims', 'checkpoint']);
  const id = r.string(`${path}.id`, { required: true });
  const title = r.string(`${path}.title`, { required: true });
  const text = r.string(`${path}.text`, { required: true });
  // Speaker notes live in notes.yaml; an old free-text `notes:` is read only to say so.
  if (r.has(`${path}.notes`))
    r.error(
      `${path}.notes`,
      'speaker notes live in notes.yaml (point, say, ask, answer): move this text there',
    );
  const view = readView(r, `${path}.view`, files);
  const claims = readClaims(r, `${path}.claims`);
  const checkpoint = readCheckpoint(r, `${path}.checkpoint`);
  if (id !== undefined && !/^[a-z0-9-]+$/.test(id))
    r.error(`${path}.id`, 'step ids are lowercase words joined by -');
  if (id === undefined || title === undefined || text === undefined || !view) return null;
  return {
    id,
    title,
    text,
    view,
    ...(claims ? { claims } : {}),
    ...(checkpoint ? { checkpoint } : {}),
    line: r.posOf(path).line,
  };
}

/**
 * A generated cluster as a step's scenario (`scenario: {generate: {pods: 1000, nodes: 10,
 * namespaces: 20, policies: 2000, mix: {k8s: 50, cilium: 25, calico: 25}, seed: 42}}`), read as
 * its scenario id `gen:<token>` (engine/generateOptions.ts); each bad option is an error at it.
 */
function readGenerated(r: Reader, path: string): string | undefined {
  r.keys(path, ['generate']);
  const g = `${path}.generate`;
  if (!r.map(g, { required: true })) return undefined;
  const sizes = ['pods', 'nodes', 'namespaces', 'policies', 'seed'] as const;
  r.keys(g, [...sizes, 'mix']);
  const value = (p: string) => r.number(p, { required: true }) ?? NaN;
  const [pods, nodes, namespaces, policies, seed] = sizes.map((k) => value(`${g}.${k}`)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (!r.map(`${g}.mix`, { required: true })) return undefined;
  r.keys(`${g}.mix`, ['k8s', 'cilium', 'calico']);
  const mix = {
    k8s: value(`${g}.mix.k8s`),
    cilium: value(`${g}.mix.cilium`),
    calico: value(`${g}.mix.calico`),
  };
  const options = { pods, nodes, namespaces, policies, mix, seed };
  const problems = generateProblems(options);
  for (const p of problems) r.error(`${g}.${p.field}`, p.message);
  return problems.length > 0 ? undefined : generatedScenarioId(options);
}

/** A step's Flows panel: tab, filters, the service map's CNI, and a traffic file of the lesson's. */
function readFlows(
  r: Reader,
  path: string,
  files: Readonly<Record<string, string>>,
): StepView['flows'] | undefined {
  if (!r.map(path)) return undefined;
  r.keys(path, ['tab', 'observe', 'calicoFilter', 'mapCni', 'traffic']);
  const traffic = r.string(`${path}.traffic`);
  if (traffic !== undefined) {
    const text = traffic.startsWith('./') ? files[traffic.slice(2)] : undefined;
    if (text === undefined)
      r.error(`${path}.traffic`, `the lesson has no file ${traffic} (a traffic file: ./name.yaml)`);
    else {
      const parsed = parseTraffic(text, traffic.slice(2));
      for (const d of parsed.diagnostics)
        if (d.severity === 'error')
          r.error(
            `${path}.traffic`,
            `${d.pos.file}:${d.pos.line}:${d.pos.column}: ${d.field ? `${d.field}: ` : ''}${d.message}`,
          );
    }
  }
  return clean({
    tab: r.oneOf(`${path}.tab`, FLOW_TABS),
    observe: r.string(`${path}.observe`),
    calicoFilter: r.string(`${path}.calicoFilter`),
    mapCni: r.oneOf(`${path}.mapCni`, CNIS),
    traffic,
  }) as StepView['flows'];
}

function readView(
  r: Reader,
  path: string,
  files: Readonly<Record<string, string>>,
): StepView | undefined {
  if (!r.map(path, { required: true })) return undefined;
  r.keys(path, [
    'scenario',
    'calico',
    'cilium',
    'packet',
    'hop',
    'layout',
    'panels',
    'highlight',
    'flows',
  ]);
  const scenarioValue = r.get(`${path}.scenario`);
  const scenario =
    scenarioValue !== null && typeof scenarioValue === 'object'
      ? readGenerated(r, `${path}.scenario`)
      : r.string(`${path}.scenario`, { required: true });
  if (scenario?.startsWith('./') && files[scenario.slice(2)] === undefined) {
    r.error(`${path}.scenario`, `the lesson has no file ${scenario.slice(2)}`);
  }
  if (typeof scenarioValue === 'string' && isGeneratedScenarioId(scenarioValue)) {
    const parsed = parseGenerateToken(scenarioValue.slice(GENERATED_PREFIX.length));
    if (!parsed.ok) r.error(`${path}.scenario`, parsed.error);
  }
  const view: Record<string, unknown> = { scenario };
  // The modes: each CNI's keys and values come from the options registry (datapath/options.ts).
  for (const cni of CNIS) {
    const p = `${path}.${cni}`;
    if (!r.map(p)) continue;
    const options = cniOptions(cni);
    r.keys(
      p,
      options.map((o) => o.key),
    );
    view[cni] = clean(
      Object.fromEntries(options.map((o) => [o.key, readOption(r, `${p}.${o.key}`, o)])),
    );
  }
  if (r.map(`${path}.packet`)) {
    const p = `${path}.packet`;
    r.keys(p, ['from', 'to', 'port', 'protocol', 'http', 'reply']);
    const http = r.map(`${p}.http`)
      ? {
          method: r.string(`${p}.http.method`, { required: true }),
          path: r.string(`${p}.http.path`, { required: true }),
        }
      : undefined;
    view.packet = clean({
      from: r.string(`${p}.from`, { required: true }),
      to: r.string(`${p}.to`, { required: true }),
      port: r.int(`${p}.port`, { required: true, min: 1, max: 65535 }),
      protocol: r.protocol(`${p}.protocol`),
      http,
      reply: r.bool(`${p}.reply`),
    });
  }
  const hop = r.get(`${path}.hop`);
  if (typeof hop === 'number') view.hop = r.int(`${path}.hop`, { min: 0 });
  else if (hop !== undefined) {
    r.keys(`${path}.hop`, ['stage', 'place', 'where']);
    view.hop = clean({
      stage: r.oneOf(`${path}.hop.stage`, STAGES, { required: true }) as Stage,
      place: r.string(`${path}.hop.place`),
      where: r.string(`${path}.hop.where`),
    });
  }
  const layout = r.oneOf(`${path}.layout`, ['compare', ...CNIS]);
  if (layout) view.layout = layout;
  const panels = r.strings(`${path}.panels`);
  if (panels) {
    panels.forEach((p, i) => {
      if (!isPanelId(p))
        r.error(`${path}.panels[${i}]`, `unknown panel "${p}" (${PANELS.join(', ')})`);
    });
    view.panels = panels;
  }
  const highlight = r.strings(`${path}.highlight`);
  if (highlight) view.highlight = highlight;
  const flows = readFlows(r, `${path}.flows`, files);
  if (flows) view.flows = flows;
  return clean(view) as unknown as StepView;
}

/** One mode option: a boolean, or one of the option's values. */
function readOption(r: Reader, path: string, option: AnyOption<unknown>): unknown {
  if (option.values.every((v) => typeof v.value === 'boolean')) return r.bool(path);
  return r.oneOf(
    path,
    option.values.map((v) => String(v.value)),
  );
}

function readClaims(r: Reader, path: string): StepClaims | undefined {
  if (!r.map(path)) return undefined;
  r.keys(path, ['verdict', 'hopMentions', 'hopNotMentions']);
  const perCni = <T>(p: string, read: (q: string) => T | undefined) => {
    if (!r.map(p)) return undefined;
    r.keys(p, ['calico', 'cilium']);
    return clean({ calico: read(`${p}.calico`), cilium: read(`${p}.cilium`) });
  };
  return clean({
    verdict: perCni(`${path}.verdict`, (q) => r.oneOf(q, WALK_VERDICTS)),
    hopMentions: perCni(`${path}.hopMentions`, (q) => r.strings(q) ?? undefined),
    hopNotMentions: perCni(`${path}.hopNotMentions`, (q) => r.strings(q) ?? undefined),
  });
}

function readCheckpoint(r: Reader, path: string): Checkpoint | undefined {
  if (!r.map(path)) return undefined;
  const kind = r.oneOf(
    `${path}.kind`,
    ['predict-verdict', 'next-hook', 'deciding-table', 'challenge'] as const,
    { required: true },
  );
  if (kind === 'challenge') return readChallenge(r, path);
  r.keys(path, ['kind', 'cni', 'question', 'choices', 'answer', 'explanation']);
  const cni = r.oneOf(`${path}.cni`, CNIS, { required: true });
  const question = r.string(`${path}.question`, { required: true });
  const explanation = r.string(`${path}.explanation`, { required: true });
  const answer = r.string(`${path}.answer`, { required: true });
  if (!kind || !cni || question === undefined || explanation === undefined || answer === undefined)
    return undefined;
  if (kind === 'predict-verdict') {
    if (answer !== 'delivered' && answer !== 'dropped') {
      r.error(`${path}.answer`, 'a predict-verdict answer is delivered or dropped');
      return undefined;
    }
    return { kind, cni, question, answer, explanation };
  }
  const choices = r.strings(`${path}.choices`);
  if (!choices || choices.length < 2) {
    r.error(`${path}.choices`, 'a checkpoint offers at least two choices');
    return undefined;
  }
  if (!choices.includes(answer)) {
    r.error(`${path}.answer`, `the answer "${answer}" is not one of the choices`);
    return undefined;
  }
  if (kind === 'next-hook') {
    const bad = choices.filter((c) => !(STAGES as readonly string[]).includes(c));
    if (bad.length > 0) {
      r.error(
        `${path}.choices`,
        `next-hook choices are stages (${STAGES.join(', ')}), not ${bad.join(', ')}`,
      );
      return undefined;
    }
    return {
      kind,
      cni,
      question,
      choices: choices as Stage[],
      answer: answer as Stage,
      explanation,
    };
  }
  return { kind, cni, question, choices, answer, explanation };
}

/** A challenge checkpoint: no choices and no answer, the walks give both (lessons/challenge.ts). */
function readChallenge(r: Reader, path: string): Checkpoint | undefined {
  r.keys(path, ['kind', 'cnis', 'question', 'seed', 'explanation']);
  const cnis = r.strings(`${path}.cnis`);
  const bad = (cnis ?? []).filter((c) => !(CNIS as readonly string[]).includes(c));
  if (bad.length > 0 || (cnis && cnis.length === 0))
    r.error(
      `${path}.cnis`,
      `cnis lists one or both of ${CNIS.join(', ')}, not ${bad.join(', ') || 'nothing'}`,
    );
  const question = r.string(`${path}.question`, { required: true });
  const explanation = r.string(`${path}.explanation`, { required: true });
  const seed = r.int(`${path}.seed`, { min: 0, max: MAX_SEED }) ?? 1;
  if (question === undefined || explanation === undefined || bad.length > 0) return undefined;
  return {
    kind: 'challenge',
    cnis: cnis && cnis.length > 0 ? [...new Set(cnis as Cni[])] : CNIS,
    question,
    seed,
    explanation,
  };
}

function readQuestionnaire(r: Reader): Questionnaire | undefined {
  r.keys('', ['title', 'questions']);
  const title = r.string('title', { required: true });
  const questions: Question[] = [];
  (r.list('questions', { required: true }) ?? []).forEach((_, i) => {
    const q = `questions[${i}]`;
    r.keys(q, ['id', 'question', 'options']);
    const id = r.string(`${q}.id`, { required: true });
    const question = r.string(`${q}.question`, { required: true });
    const options = (r.list(`${q}.options`, { required: true }) ?? []).map((__, j) => {
      const o = `${q}.options[${j}]`;
      r.keys(o, ['label', 'points', 'why']);
      r.keys(`${o}.points`, ['calico', 'cilium']);
      return {
        label: r.string(`${o}.label`, { required: true }) ?? '',
        points: {
          calico: r.int(`${o}.points.calico`, { required: true, min: 0, max: 5 }) ?? 0,
          cilium: r.int(`${o}.points.cilium`, { required: true, min: 0, max: 5 }) ?? 0,
        },
        why: r.string(`${o}.why`, { required: true }) ?? '',
      };
    });
    if (options.length < 2) r.error(`${q}.options`, 'a question offers at least two options');
    if (id !== undefined && question !== undefined) questions.push({ id, question, options });
  });
  return title === undefined ? undefined : { title, questions };
}

function clean<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
