import { useEffect, useState } from 'react';
import type { SeedClaim, SeedClaims, SeedVerdict } from '../lessons/seedClaims';
import { SEED_VERDICTS } from '../lessons/seedVerdicts';
import type { Lesson } from '../lessons/types';
import { selectRoute, useAppActions, useAppStore } from '../store';
import {
  groupClaims,
  isQuotedFigure,
  markWords,
  seeLabel,
  sourceHref,
  VERDICT_FILTERS,
  VERDICT_GLYPH,
  VERDICT_LABEL,
  VERDICT_MEANING,
  verdictCounts,
  type VerdictFilter,
} from './factCheck';
import './FactCheck.css';
import { ToggleGroup } from './ToggleGroup';

type Loaded =
  | { readonly state: 'loading' }
  | { readonly state: 'ok'; readonly data: SeedClaims }
  | { readonly state: 'error'; readonly error: string };

/**
 * The seed articles, fact-checked (issue 14): every claim of their feature and performance tables
 * and "when to choose" lists, by article and table, each with its mark (a badge with a word), why in
 * one sentence, its source and where the app shows it; a filter by mark. Loaded on first visit.
 */
export default function FactCheck({
  load,
  lessons,
}: {
  load: () => Promise<SeedClaims>;
  lessons: readonly Lesson[];
}) {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  // The filter is in the link (#/facts?mark=dated), so a view of one mark can be shared.
  const route = useAppStore(selectRoute);
  const setRoute = useAppActions().setRoute;
  const mark = route.page === 'facts' ? SEED_VERDICTS.find((v) => v === route.mark) : undefined;
  const filter: VerdictFilter = mark ?? 'all';
  const setFilter = (f: VerdictFilter) =>
    setRoute(f === 'all' ? { page: 'facts' } : { page: 'facts', mark: f });
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setLoaded({ state: 'ok', data }),
      (e: unknown) =>
        live && setLoaded({ state: 'error', error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [load]);

  return (
    <main className="fact-check">
      <h2>The seed articles, fact-checked</h2>
      <p className="fact-intro">
        Every claim about Calico or Cilium in the two seed articles’ feature and performance tables
        and “when to choose” lists, checked against Calico v3.32, Cilium 1.18 and Kubernetes 1.33: a
        mark, why in one sentence, a source, and where PacketWalk shows it. Numbers from the
        articles are labelled <em>quoted</em>: theirs, not measured here.
      </p>
      {loaded.state === 'loading' && <p role="status">Loading the fact check…</p>}
      {loaded.state === 'error' && (
        <p className="notice" role="alert">
          The fact check could not be loaded: {loaded.error}
        </p>
      )}
      {loaded.state === 'ok' && (
        <Claims data={loaded.data} lessons={lessons} filter={filter} setFilter={setFilter} />
      )}
    </main>
  );
}

function Claims({
  data,
  lessons,
  filter,
  setFilter,
}: {
  data: SeedClaims;
  lessons: readonly Lesson[];
  filter: VerdictFilter;
  setFilter: (f: VerdictFilter) => void;
}) {
  const counts = verdictCounts(data.claims);
  const groups = groupClaims(
    data.claims,
    data.articles.map((a) => a.title),
    filter,
  );
  return (
    <>
      <ToggleGroup
        label="Show claims marked"
        className="fact-filter"
        options={VERDICT_FILTERS}
        value={filter}
        onChange={setFilter}
        title={(f) => (f === 'all' ? 'Every claim' : VERDICT_MEANING[f])}
      >
        {(f) => (
          <>
            {f === 'all' ? 'All' : <VerdictBadge verdict={f} />}{' '}
            <span className="fact-count">{counts[f]}</span>
          </>
        )}
      </ToggleGroup>
      <p className="fact-shown" role="status" data-testid="facts-shown">
        {filter === 'all'
          ? `${counts.all} claims`
          : `${counts[filter]} of ${counts.all} claims marked ${VERDICT_LABEL[filter].toLowerCase()} (${VERDICT_MEANING[filter]})`}
      </p>
      {groups.map((g) => (
        <section key={g.article} className="fact-article" aria-label={g.article}>
          <h3>{g.article}</h3>
          {g.sections.map((s) => (
            <ClaimTable key={s.section} section={s.section} claims={s.claims} lessons={lessons} />
          ))}
        </section>
      ))}
    </>
  );
}

function ClaimTable({
  section,
  claims,
  lessons,
}: {
  section: string;
  claims: readonly SeedClaim[];
  lessons: readonly Lesson[];
}) {
  return (
    <table className="fact-table">
      <caption>{section}</caption>
      <thead>
        <tr>
          <th scope="col">The article says</th>
          <th scope="col">Mark</th>
          <th scope="col">Why</th>
          <th scope="col">See it</th>
        </tr>
      </thead>
      <tbody>
        {claims.map((c) => (
          <ClaimRow key={c.id} claim={c} lessons={lessons} />
        ))}
      </tbody>
    </table>
  );
}

function ClaimRow({ claim: c, lessons }: { claim: SeedClaim; lessons: readonly Lesson[] }) {
  const href = sourceHref(c.source);
  const see = seeLabel(c.see, lessons);
  const figure = isQuotedFigure(c.quote);
  return (
    <tr data-claim={c.id} data-verdict={c.verdict}>
      <th scope="row">
        <span className="fact-row">
          {c.row}
          {c.column && <span className="fact-column"> · {c.column}</span>}
        </span>
        <q className="fact-quote">{c.quote}</q>
        {markWords(c.quote) && <span className="visually-hidden"> ({markWords(c.quote)})</span>}
        {figure && (
          <span className="fact-quoted" title="The article's figure, not a measurement">
            quoted
          </span>
        )}
      </th>
      <td>
        <VerdictBadge verdict={c.verdict} />
      </td>
      <td>
        <p className="fact-why">{c.why}</p>
        <p className="fact-source">
          Source:{' '}
          {href ? (
            <a href={href} target="_blank" rel="noreferrer">
              {c.source}
            </a>
          ) : (
            <em>{c.source}</em>
          )}
        </p>
      </td>
      <td>
        {see ? (
          <a href={c.see} className="fact-see">
            {see.label}
            {see.detail && <span className="fact-see-detail">{see.detail}</span>}
          </a>
        ) : (
          <span className="fact-none">Not shown in the app</span>
        )}
      </td>
    </tr>
  );
}

function VerdictBadge({ verdict }: { verdict: SeedVerdict }) {
  return (
    <span className={`verdict-badge verdict-${verdict}`}>
      <span aria-hidden="true">{VERDICT_GLYPH[verdict]}</span> {VERDICT_LABEL[verdict]}
    </span>
  );
}
