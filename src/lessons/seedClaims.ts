/**
 * The seed articles, fact-checked (issue 14): the shape checker of `lessons/seed-claims.yaml`.
 * Pure: the caller passes the text, the lessons (for `see` links to a step) and a walk-link check
 * (the store's URL decoder, which this layer may not import). Every problem has file:line:column.
 */
import { CALICO_OPTIONS, CILIUM_OPTIONS, decodeOptions } from '../datapath/options';
import { PROBE_PROTOCOLS, type Diagnostic } from '../engine/model';
import { Reader } from '../engine/parse/reader';
import { parseYamlFile } from '../engine/parse/yaml';
import { isPanelId } from '../registry/panels';
import { SEED_VERDICTS, type SeedVerdict } from './seedVerdicts';
import type { LessonProblem } from './types';

export { SEED_VERDICTS, type SeedVerdict } from './seedVerdicts';

/** The source of a figure the articles quote without one; allowed only with verdict unverifiable. */
export const NO_SOURCE = 'quoted, no source found';

export interface SeedArticle {
  readonly title: string;
  /** Path of the article under the shared folder, e.g. `seeds/000_….txt`. */
  readonly file: string;
}

export interface SeedClaim {
  readonly id: string;
  /** The article's title, one of `SeedClaims.articles`. */
  readonly article: string;
  /** The table or list, e.g. `Advanced Features`, `Choose Calico if`. */
  readonly section: string;
  /** The table row or list item the claim is in. */
  readonly row: string;
  /** The table column (e.g. `Calico`, `Cilium (VXLAN)`); absent for list items. */
  readonly column?: string;
  /** The article's own words, shown as a quotation. */
  readonly quote: string;
  readonly verdict: SeedVerdict;
  readonly why: string;
  readonly source: string;
  /** A link into the app (`#/lessons/<id>/<n>` or `#/walk?…`), or `none`. */
  readonly see: string;
}

export interface SeedClaims {
  readonly articles: readonly SeedArticle[];
  readonly claims: readonly SeedClaim[];
}

export interface SeedClaimContext {
  /** The lessons a `see` link may point at: id and number of steps. */
  readonly lessons: readonly { readonly id: string; readonly steps: number }[];
  /** Problems decoding a walk link's query (the part after `#/walk?`); empty when it opens. */
  readonly walkLinkProblems: (query: string) => readonly string[];
}

const CLAIM_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const REPO_PATH = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+:[A-Za-z0-9_./@-]+$/;
const REPO_NUMBER = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+#\d+$/;
const DOCS_PAGE = /^https:\/\/[^\s/]+\.[a-z]{2,}(\/\S*)?$/;
const LESSON_LINK = /^#\/lessons\/([^/?#]+)\/(\d+)$/;
const WALK_LINK = '#/walk?';

/**
 * The problems of a walk link's query, for Node scripts that cannot load the store's URL codec
 * (store/viewState.ts `decodeView`, whose lz-string import needs a bundler). It checks the same
 * parameters the same way, except the compressed `yaml=` edit, which a fact-check link never
 * carries; src/test/seedClaims.test.ts holds the two to the same answers.
 */
export function walkQueryProblems(query: string, scenarioIds: readonly string[]): string[] {
  const p = new URLSearchParams(query);
  const problems: string[] = [];
  const get = (k: string) => p.get(k) ?? undefined;
  const scenario = get('scenario');
  if (scenario !== undefined && !scenarioIds.includes(scenario))
    problems.push(`unknown scenario "${scenario}"`);
  const calico = get('calico');
  if (calico !== undefined) decodeOptions(CALICO_OPTIONS, calico, problems);
  const cilium = get('cilium');
  if (cilium !== undefined) decodeOptions(CILIUM_OPTIONS, cilium, problems);
  const from = get('from');
  const to = get('to');
  if (from !== undefined || to !== undefined) {
    const proto = get('proto');
    if (proto !== undefined && !(PROBE_PROTOCOLS as readonly string[]).includes(proto))
      problems.push(`unknown protocol "${proto}"`);
    const port = Number(get('port'));
    if (!from || !to || !Number.isInteger(port) || port < 1 || port > 65535)
      problems.push('an incomplete packet (from, to and port 1-65535 are needed)');
  }
  const step = get('step');
  if (step !== undefined && !(Number.isInteger(Number(step)) && Number(step) >= 0))
    problems.push(`step "${step}" is not a hop number`);
  const layout = get('layout');
  if (layout !== undefined && !['compare', 'calico', 'cilium'].includes(layout))
    problems.push(`unknown layout "${layout}"`);
  const panels = get('panels');
  const bad = panels ? panels.split(',').filter((x) => !isPanelId(x)) : [];
  if (bad.length > 0) problems.push(`unknown panel ${bad.map((b) => `"${b}"`).join(', ')}`);
  const mport = get('mport');
  if (mport !== undefined && !(Number.isInteger(Number(mport)) && +mport >= 1 && +mport <= 65535))
    problems.push(`matrix port "${mport}" is not a port`);
  if (p.has('yaml')) problems.push('a fact-check link opens a built-in scenario, without yaml=');
  return problems;
}

/** Why a `source` value is not one of the accepted forms, or null when it is. */
export function sourceProblem(source: string, verdict: SeedVerdict | undefined): string | null {
  if (source === NO_SOURCE)
    return verdict === 'unverifiable'
      ? null
      : `"${NO_SOURCE}" is only for verdict unverifiable; a ${verdict ?? 'judged'} claim needs a source`;
  if (REPO_PATH.test(source) || REPO_NUMBER.test(source) || DOCS_PAGE.test(source)) return null;
  return `"${source}" is not a source: write owner/repo:path, owner/repo#number, an https page, or "${NO_SOURCE}"`;
}

/** Why a `see` link does not open a lesson step or a walk, or null when it does. */
export function seeProblem(see: string, ctx: SeedClaimContext): string | null {
  if (see === 'none') return null;
  const m = LESSON_LINK.exec(see);
  if (m) {
    const lesson = ctx.lessons.find((l) => l.id === m[1]);
    if (!lesson) return `"${see}" names no lesson (there is no lesson "${m[1]}")`;
    const n = Number(m[2]);
    if (n < 1 || n > lesson.steps)
      return `"${see}" names step ${n}, but lesson "${lesson.id}" has steps 1 to ${lesson.steps}`;
    return null;
  }
  if (see.startsWith(WALK_LINK)) {
    const query = see.slice(WALK_LINK.length);
    if (query === '') return `"${see}" is a walk link with no view in it`;
    const problems = ctx.walkLinkProblems(query);
    return problems.length === 0 ? null : `walk link does not open: ${problems.join('; ')}`;
  }
  return `"${see}" is not a link into the app: write #/lessons/<lesson>/<step 1-based>, #/walk?…, or none`;
}

const problemOf = (d: Diagnostic): LessonProblem => ({
  file: d.pos.file,
  line: d.pos.line,
  column: d.pos.column,
  message: `${d.field ? `${d.field}: ` : ''}${d.message}`,
});

const CLAIM_KEYS = [
  'id',
  'article',
  'section',
  'row',
  'column',
  'quote',
  'verdict',
  'why',
  'source',
  'see',
] as const;

/** Parses and checks the fact-check file; `claims` is null when there is any problem. */
export function parseSeedClaims(
  text: string,
  file: string,
  ctx: SeedClaimContext,
): { claims: SeedClaims | null; problems: LessonProblem[] } {
  const problems: LessonProblem[] = [];
  const parsed = parseYamlFile(text, file);
  parsed.diagnostics
    .filter((d) => d.severity === 'error')
    .forEach((d) => problems.push(problemOf(d)));
  const doc = parsed.documents[0];
  if (!doc) {
    if (problems.length === 0)
      problems.push({ file, line: 1, column: 1, message: 'the file is empty' });
    return { claims: null, problems };
  }
  const sink: Diagnostic[] = [];
  const r = new Reader(doc, 'seed claims', sink, 'error');
  r.keys('', ['articles', 'claims']);

  const articles: SeedArticle[] = [];
  (r.list('articles', { required: true }) ?? []).forEach((_, i) => {
    const p = `articles[${i}]`;
    if (!r.map(p, { required: true })) return;
    r.keys(p, ['title', 'file']);
    const title = r.string(`${p}.title`, { required: true });
    const path = r.string(`${p}.file`, { required: true });
    if (title === undefined || path === undefined) return;
    if (articles.some((a) => a.title === title))
      r.error(`${p}.title`, `article "${title}" is listed twice`);
    articles.push({ title, file: path });
  });

  const claims: SeedClaim[] = [];
  const ids = new Set<string>();
  const list = r.list('claims', { required: true }) ?? [];
  if (r.has('claims') && list.length === 0) r.error('claims', 'lists no claims');
  list.forEach((_, i) => {
    const p = `claims[${i}]`;
    if (!r.map(p, { required: true })) return;
    r.keys(p, CLAIM_KEYS);
    const text = (k: string) => {
      const v = r.string(`${p}.${k}`, { required: true });
      if (v !== undefined && v.trim() === '') r.error(`${p}.${k}`, 'is empty');
      return v;
    };
    const id = text('id');
    const article = text('article');
    const section = text('section');
    const row = text('row');
    const column = r.has(`${p}.column`) ? text('column') : undefined;
    const quote = text('quote');
    const rawVerdict = r.get(`${p}.verdict`);
    let verdict: SeedVerdict | undefined;
    if (typeof rawVerdict === 'boolean') {
      // YAML reads a bare true/false as a boolean, not as the verdict word.
      r.error(
        `${p}.verdict`,
        `write "${String(rawVerdict)}" in quotes: bare ${String(rawVerdict)} is a YAML boolean`,
      );
    } else {
      verdict = r.oneOf(`${p}.verdict`, SEED_VERDICTS, { required: true }) as
        SeedVerdict | undefined;
    }
    const why = text('why');
    const source = text('source');
    const see = text('see');

    if (id !== undefined) {
      if (!CLAIM_ID.test(id))
        r.error(`${p}.id`, `"${id}" is not an id (lowercase words joined by -)`);
      if (ids.has(id)) r.error(`${p}.id`, `duplicate claim id "${id}"`);
      ids.add(id);
    }
    if (article !== undefined && articles.length > 0 && !articles.some((a) => a.title === article))
      r.error(
        `${p}.article`,
        `"${article}" is not one of the articles: ${articles.map((a) => `"${a.title}"`).join(', ')}`,
      );
    if (source !== undefined && source.trim() !== '') {
      const why = sourceProblem(source, verdict);
      if (why) r.error(`${p}.source`, why);
    }
    if (see !== undefined && see.trim() !== '') {
      const why = seeProblem(see, ctx);
      if (why) r.error(`${p}.see`, why);
    }
    if (
      id !== undefined &&
      article !== undefined &&
      section !== undefined &&
      row !== undefined &&
      quote !== undefined &&
      verdict !== undefined &&
      why !== undefined &&
      source !== undefined &&
      see !== undefined
    )
      claims.push({
        id,
        article,
        section,
        row,
        ...(column !== undefined ? { column } : {}),
        quote,
        verdict,
        why,
        source,
        see,
      });
  });
  sink.filter((d) => d.severity === 'error').forEach((d) => problems.push(problemOf(d)));
  return { claims: problems.length === 0 ? { articles, claims } : null, problems };
}

/** A table of an article (its rows and claim-making columns) or a list (its items). */
export interface SeedSection {
  readonly article: string;
  readonly section: string;
  readonly rows: readonly string[];
  /** The columns about Calico or Cilium; absent for a list. */
  readonly columns?: readonly string[];
}

/** The cells (`section / row / column`) or items of `sections` that no claim covers. */
export function missingCells(
  claims: readonly SeedClaim[],
  sections: readonly SeedSection[],
): string[] {
  const have = new Set(
    claims.map((c) => [c.article, c.section, c.row, c.column ?? ''].join('\u0000')),
  );
  const missing: string[] = [];
  for (const s of sections) {
    for (const row of s.rows) {
      for (const column of s.columns ?? ['']) {
        if (!have.has([s.article, s.section, row, column].join('\u0000')))
          missing.push(`${s.article} / ${s.section} / ${row}${column ? ` / ${column}` : ''}`);
      }
    }
  }
  return missing;
}
