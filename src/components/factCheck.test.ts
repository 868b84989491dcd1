import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseYamlFile } from '../engine/parse/yaml';
import { NO_SOURCE, SEED_VERDICTS, type SeedClaim } from '../lessons/seedClaims';
import {
  groupClaims,
  isQuotedFigure,
  markWords,
  seeLabel,
  sourceHref,
  VERDICT_LABEL,
  verdictCounts,
} from './factCheck';
import { importMessage } from './ProgressTools';

const LESSONS = [
  { id: '03-across-nodes', number: 3, title: 'Pod to pod across nodes' },
  { id: '11-observability', number: 11, title: 'Observability' },
];

const claim = (id: string, article: string, section: string, verdict: SeedClaim['verdict']) =>
  ({
    id,
    article,
    section,
    row: id,
    quote: 'q',
    verdict,
    why: 'w',
    source: NO_SOURCE,
    see: 'none',
  }) satisfies SeedClaim;

describe('fact check: sources and links', () => {
  it('links a repository file, a folder, an issue or PR, and a docs page; not the no-source mark', () => {
    expect(sourceHref('projectcalico/calico:felix/iptables/table.go')).toBe(
      'https://github.com/projectcalico/calico/blob/HEAD/felix/iptables/table.go',
    );
    expect(sourceHref('projectcalico/calico:goldmane/')).toBe(
      'https://github.com/projectcalico/calico/tree/HEAD/goldmane/',
    );
    expect(sourceHref('cilium/cilium#38308')).toBe('https://github.com/cilium/cilium/issues/38308');
    expect(sourceHref('https://docs.tigera.io/calico/latest/')).toBe(
      'https://docs.tigera.io/calico/latest/',
    );
    expect(sourceHref(NO_SOURCE)).toBeNull();
    expect(sourceHref('somewhere on the web')).toBeNull();
  });

  it('names a lesson step by number with its title, a walk by its packet, and none as nothing', () => {
    expect(seeLabel('#/lessons/11-observability/3', LESSONS)).toEqual({
      label: 'Lesson 11, step 3',
      detail: 'Observability',
    });
    expect(
      seeLabel(
        '#/walk?scenario=seed-policies&from=shop/frontend&to=shop/api&port=8080&http=DELETE:/api/v1/orders&layout=cilium',
        LESSONS,
      ),
    ).toEqual({
      label: 'Walk (Cilium)',
      detail: 'shop/frontend → shop/api :8080 DELETE /api/v1/orders',
    });
    expect(seeLabel('#/walk?scenario=seed-policies', LESSONS)).toEqual({
      label: 'Walk',
      detail: '',
    });
    expect(seeLabel('none', LESSONS)).toBeNull();
  });

  it('labels the articles’ measurements as quoted figures, not their words', () => {
    for (const q of ['9.2 Gbps', '0.15 ms', '~0.5% CPU per node', '5-10 seconds (iptables reload)'])
      expect(isQuotedFigure(q), q).toBe(true);
    for (const q of ['✓ (BGP)', 'Degraded', 'O(1) hash lookup', '3.10+ (iptables), 5.3+ (eBPF)'])
      expect(isQuotedFigure(q), q).toBe(false);
  });
});

describe('fact check: the articles’ ✓ and ✗ in words', () => {
  it('says the bare marks and leaves words alone', () => {
    expect(markWords('✓')).toBe('supported');
    expect(markWords('✓✓')).toBe('excellent fit');
    expect(markWords('✗')).toBe('not supported');
    expect(markWords('✓ (BGP)')).toBeNull();
    expect(markWords('kube-proxy')).toBeNull();
  });
});

describe('fact check: grouping and counts', () => {
  const claims = [
    claim('a1', 'A', 'Perf', 'unverifiable'),
    claim('b1', 'B', 'Features', 'true'),
    claim('a2', 'A', 'Features', 'dated'),
    claim('a3', 'A', 'Perf', 'dated'),
  ];

  it('groups by article in the articles’ order and by section in first-seen order', () => {
    const groups = groupClaims(claims, ['A', 'B'], 'all');
    expect(
      groups.map((g) => [g.article, g.sections.map((s) => [s.section, s.claims.map((c) => c.id)])]),
    ).toEqual([
      [
        'A',
        [
          ['Perf', ['a1', 'a3']],
          ['Features', ['a2']],
        ],
      ],
      ['B', [['Features', ['b1']]]],
    ]);
  });

  it('filters by mark and drops the articles and sections left empty', () => {
    const groups = groupClaims(claims, ['A', 'B'], 'dated');
    expect(groups.map((g) => g.article)).toEqual(['A']);
    expect(groups[0]!.sections.map((s) => s.claims.map((c) => c.id))).toEqual([['a2'], ['a3']]);
  });

  it('counts each mark and all', () => {
    expect(verdictCounts(claims)).toEqual({
      all: 4,
      true: 1,
      dated: 2,
      simplified: 0,
      false: 0,
      unverifiable: 1,
    });
  });

  it('covers the real file: every claim once, every mark with a label', () => {
    const doc = parseYamlFile(
      readFileSync(new URL('../../lessons/seed-claims.yaml', import.meta.url), 'utf8'),
      'seed-claims.yaml',
    ).documents[0]!;
    const data = doc.value as { articles: { title: string }[]; claims: SeedClaim[] };
    const groups = groupClaims(
      data.claims,
      data.articles.map((a) => a.title),
      'all',
    );
    const ids = groups.flatMap((g) => g.sections.flatMap((s) => s.claims.map((c) => c.id)));
    expect(ids.sort()).toEqual(data.claims.map((c) => c.id).sort());
    expect(SEED_VERDICTS.map((v) => VERDICT_LABEL[v])).toEqual([
      'True',
      'Dated',
      'Simplified',
      'False',
      'Unverifiable',
    ]);
  });
});

describe('progress import message', () => {
  const file = (ids: string[]) =>
    JSON.stringify({ version: 2, lessons: Object.fromEntries(ids.map((id) => [id, {}])) });

  it('says how many lessons the file brought, by number, and which it does not know', () => {
    expect(
      importMessage('p.json', file(['11-observability', '03-across-nodes']), null, LESSONS),
    ).toEqual({
      ok: true,
      text: 'Imported “p.json”: progress for 2 lessons (3, 11).',
    });
    expect(importMessage('p.json', file(['03-across-nodes', 'old']), null, LESSONS).text).toBe(
      'Imported “p.json”: progress for 1 lesson (3). 1 lesson in the file is not in this version (old); it is kept unchanged.',
    );
    expect(importMessage('p.json', file([]), null, LESSONS).text).toBe(
      'Imported “p.json”: it holds no progress for these lessons.',
    );
  });

  it('passes a refusal on with the file name', () => {
    expect(importMessage('x.json', 'x', 'Not a progress file: invalid JSON', LESSONS)).toEqual({
      ok: false,
      text: 'Could not import “x.json”: Not a progress file: invalid JSON',
    });
  });
});
