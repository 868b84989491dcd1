/**
 * The fact-check page's words and links (issue 14), pure: what each mark is called, where a source
 * and a `see` link go, which quotes are figures, and the claims grouped by article and section in
 * the file's order. The content is lessons/seed-claims.yaml (checked by src/lessons/seedClaims.ts).
 */
import { NO_SOURCE, SEED_VERDICTS, type SeedClaim, type SeedVerdict } from '../lessons/seedClaims';

export const VERDICT_LABEL: Record<SeedVerdict, string> = {
  true: 'True',
  dated: 'Dated',
  simplified: 'Simplified',
  false: 'False',
  unverifiable: 'Unverifiable',
};

/** A glyph beside each label (the label, not the colour or the glyph, carries the meaning). */
export const VERDICT_GLYPH: Record<SeedVerdict, string> = {
  true: '✓',
  dated: '↻',
  simplified: '≈',
  false: '✗',
  unverifiable: '?',
};

export const VERDICT_MEANING: Record<SeedVerdict, string> = {
  true: 'right at the baseline',
  dated: 'was right, no longer',
  simplified: 'right in part, leaves out what matters',
  false: 'wrong',
  unverifiable: 'no source could confirm it',
};

export type VerdictFilter = SeedVerdict | 'all';

export const VERDICT_FILTERS: readonly VerdictFilter[] = ['all', ...SEED_VERDICTS];

/** A source as a link: `owner/repo:path`, `owner/repo#N`, an https page; null for NO_SOURCE. */
export function sourceHref(source: string): string | null {
  if (source === NO_SOURCE) return null;
  if (source.startsWith('https://')) return source;
  const file = /^([^/\s]+\/[^/:#\s]+):(.+)$/.exec(source);
  if (file) {
    const kind = file[2]!.endsWith('/') ? 'tree' : 'blob';
    return `https://github.com/${file[1]}/${kind}/HEAD/${file[2]}`;
  }
  const issue = /^([^/\s]+\/[^/:#\s]+)#(\d+)$/.exec(source);
  if (issue) return `https://github.com/${issue[1]}/issues/${issue[2]}`;
  return null;
}

/**
 * Where a claim's `see` link goes, in words: a lesson step by number (its title as the detail), or
 * a walk (its packet as the detail); null for `none`.
 */
export function seeLabel(
  see: string,
  lessons: readonly { readonly id: string; readonly number: number; readonly title: string }[],
): { readonly label: string; readonly detail: string } | null {
  if (see === 'none') return null;
  const step = /^#\/lessons\/([^/?#]+)\/(\d+)$/.exec(see);
  if (step) {
    const lesson = lessons.find((l) => l.id === step[1]);
    return lesson
      ? { label: `Lesson ${lesson.number}, step ${step[2]}`, detail: lesson.title }
      : { label: `Lesson ${step[1]}, step ${step[2]}`, detail: '' };
  }
  if (see.startsWith('#/walk?')) {
    const p = new URLSearchParams(see.slice('#/walk?'.length));
    const from = p.get('from');
    const to = p.get('to');
    const only = p.get('layout');
    const who = only === 'calico' ? ' (Calico)' : only === 'cilium' ? ' (Cilium)' : '';
    const http = p.get('http');
    return {
      label: `Walk${who}`,
      detail:
        from && to
          ? `${from} → ${to} :${p.get('port') ?? ''}${http ? ` ${http.replace(':', ' ')}` : ''}`
          : '',
    };
  }
  return null;
}

/**
 * A number the article gives as a measurement (Gbps, ms, seconds, a % of CPU): shown with a
 * "quoted" label, never as PacketWalk's own figure.
 */
export function isQuotedFigure(quote: string): boolean {
  return /\d\s*(Gbps|Mbps|ms|µs|seconds?)\b|\d\s*%/.test(quote);
}

/**
 * The articles' table marks in words, for a screen reader, as the first article's legend says them
 * ("✓✓ = Excellent fit, ✓ = Supported, ✗ = Not supported").
 */
export function markWords(quote: string): string | null {
  const words: Record<string, string> = {
    '✓': 'supported',
    '✓✓': 'excellent fit',
    '✗': 'not supported',
  };
  return words[quote.trim()] ?? null;
}

export interface ClaimSection {
  readonly section: string;
  readonly claims: readonly SeedClaim[];
}

export interface ClaimArticle {
  readonly article: string;
  readonly sections: readonly ClaimSection[];
}

/** The claims that pass `filter`, by article (in `articles` order) and section (first seen first). */
export function groupClaims(
  claims: readonly SeedClaim[],
  articles: readonly string[],
  filter: VerdictFilter,
): ClaimArticle[] {
  const shown = claims.filter((c) => filter === 'all' || c.verdict === filter);
  return articles
    .map((article) => {
      const sections = new Map<string, SeedClaim[]>();
      for (const c of shown) {
        if (c.article !== article) continue;
        const list = sections.get(c.section) ?? [];
        list.push(c);
        sections.set(c.section, list);
      }
      return {
        article,
        sections: [...sections].map(([section, list]) => ({ section, claims: list })),
      };
    })
    .filter((a) => a.sections.length > 0);
}

/** How many claims carry each mark, and all of them. */
export function verdictCounts(claims: readonly SeedClaim[]): Record<VerdictFilter, number> {
  const counts = Object.fromEntries(VERDICT_FILTERS.map((f) => [f, 0])) as Record<
    VerdictFilter,
    number
  >;
  for (const c of claims) {
    counts[c.verdict] += 1;
    counts.all += 1;
  }
  return counts;
}
