/**
 * The seed fact-check checker (issue 14): fails on a bad file with the place of each problem.
 */
import { describe, expect, it } from 'vitest';
import { missingCells, parseSeedClaims, type SeedClaimContext } from './seedClaims';

const TITLE = 'Calico vs Cilium: Architecture and Design Philosophy';
const ctx: SeedClaimContext = {
  lessons: [{ id: '09-l7-policy', steps: 9 }],
  // A stand-in for the store's decoder: only the scenario is checked here.
  walkLinkProblems: (q) =>
    new URLSearchParams(q).get('scenario') === 'seed-policies' ? [] : ['unknown scenario'],
};

const claim = (fields: Record<string, string>) =>
  `  - ${Object.entries({
    id: 'l7-calico',
    article: TITLE,
    section: 'Advanced Features',
    row: 'Layer 7 policy',
    column: 'Calico',
    quote: '✗',
    verdict: 'simplified',
    why: 'Application layer policy exists outside the core datapath.',
    source: 'projectcalico/calico:app-policy/README.md',
    see: '#/lessons/09-l7-policy/9',
    ...fields,
  })
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join('\n    ')}\n`;

const file = (...claims: string[]) =>
  `articles:\n  - title: ${JSON.stringify(TITLE)}\n    file: seeds/a.txt\nclaims:\n${claims.join('')}`;

const check = (text: string) => parseSeedClaims(text, 'lessons/seed-claims.yaml', ctx);
const messages = (text: string) => check(text).problems.map((p) => `${p.line}: ${p.message}`);

describe('seed claims checker', () => {
  it('accepts a good file and returns its claims', () => {
    const { claims, problems } = check(
      file(
        claim({}),
        claim({
          id: 'l7-cilium',
          column: 'Cilium',
          verdict: 'unverifiable',
          source: 'quoted, no source found',
          see: '#/walk?scenario=seed-policies&from=shop/frontend&to=shop/api&port=8080',
        }),
      ),
    );
    expect(problems).toEqual([]);
    expect(claims?.claims.map((c) => [c.id, c.verdict, c.column])).toEqual([
      ['l7-calico', 'simplified', 'Calico'],
      ['l7-cilium', 'unverifiable', 'Cilium'],
    ]);
  });

  it('refuses an unknown verdict, at its line', () => {
    expect(messages(file(claim({ verdict: 'mostly' })))).toEqual([
      expect.stringMatching(/^11: claims\[0\]\.verdict: Unsupported value: "mostly"/),
    ]);
  });

  it('refuses a bare true (a YAML boolean) and says to quote it', () => {
    const text = file(claim({})).replace('verdict: "simplified"', 'verdict: true');
    expect(messages(text)).toEqual([
      '11: claims[0].verdict: write "true" in quotes: bare true is a YAML boolean',
    ]);
  });

  it('refuses a missing source, and "no source found" on a judged claim', () => {
    expect(messages(file(claim({ source: '' })))).toEqual([
      expect.stringMatching(/^5: claims\[0\]\.source: is required/),
    ]);
    expect(messages(file(claim({ source: 'quoted, no source found' })))).toEqual([
      expect.stringMatching(
        /claims\[0\]\.source: "quoted, no source found" is only for verdict unverifiable/,
      ),
    ]);
    expect(messages(file(claim({ source: 'somewhere in the docs' })))).toEqual([
      expect.stringMatching(/claims\[0\]\.source: "somewhere in the docs" is not a source/),
    ]);
  });

  it('refuses a dangling lesson link, a step out of range and a walk link that does not open', () => {
    expect(messages(file(claim({ see: '#/lessons/99-nowhere/1' })))).toEqual([
      expect.stringMatching(/claims\[0\]\.see: .*there is no lesson "99-nowhere"/),
    ]);
    expect(messages(file(claim({ see: '#/lessons/09-l7-policy/10' })))).toEqual([
      expect.stringMatching(/has steps 1 to 9/),
    ]);
    expect(messages(file(claim({ see: '#/lessons/09-l7-policy/0' })))).toEqual([
      expect.stringMatching(/names step 0/),
    ]);
    expect(messages(file(claim({ see: '#/walk?scenario=nope' })))).toEqual([
      expect.stringMatching(/claims\[0\]\.see: walk link does not open: unknown scenario/),
    ]);
    expect(messages(file(claim({ see: 'https://example.org/' })))).toEqual([
      expect.stringMatching(/is not a link into the app/),
    ]);
  });

  it('refuses duplicate ids, unknown fields and an article that is not listed', () => {
    expect(
      messages(file(claim({}), claim({ article: 'Another article', bogus: 'x' }), claim({}))),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/claims\[1\]\.article: "Another article" is not one of the articles/),
        expect.stringMatching(/claims\[1\]\.bogus: unknown field "bogus"/),
        expect.stringMatching(/claims\[2\]\.id: duplicate claim id "l7-calico"/),
      ]),
    );
    expect(check(file(claim({}), claim({}))).claims).toBeNull();
  });

  it('lists the table cells no claim covers', () => {
    const { claims } = check(file(claim({})));
    expect(
      missingCells(claims!.claims, [
        {
          article: TITLE,
          section: 'Advanced Features',
          rows: ['Layer 7 policy'],
          columns: ['Calico', 'Cilium'],
        },
      ]),
    ).toEqual([`${TITLE} / Advanced Features / Layer 7 policy / Cilium`]);
  });
});
