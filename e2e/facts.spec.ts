import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { expect, test } from './fixtures/app';

interface Claim {
  id: string;
  article: string;
  section: string;
  row: string;
  column?: string;
  quote: string;
  verdict: string;
  see: string;
}

/** The fact check's content, read here from the file itself (the page must show all of it). */
const FILE = parse(
  readFileSync(new URL('../lessons/seed-claims.yaml', import.meta.url), 'utf8'),
) as { articles: { title: string }[]; claims: Claim[] };
const CLAIMS = FILE.claims;
const LABEL: Record<string, string> = {
  true: 'True',
  dated: 'Dated',
  simplified: 'Simplified',
  false: 'False',
  unverifiable: 'Unverifiable',
};

test('the fact check lists every claim of the file, by article and table, each with a worded mark', async ({
  app,
  page,
}) => {
  expect(CLAIMS.length).toBeGreaterThan(100);
  await app.goto('/#/facts');
  const rows = page.locator('tr[data-claim]');
  await expect(rows).toHaveCount(CLAIMS.length);
  await expect(page.getByTestId('facts-shown')).toHaveText(`${CLAIMS.length} claims`);
  // In the file's order, each row with its table row name, column, quote and mark as a word.
  const shown = await rows.evaluateAll((trs) =>
    trs.map((tr) => ({
      id: tr.getAttribute('data-claim'),
      head: tr.querySelector('th')?.textContent ?? '',
      badge: tr.querySelector('.verdict-badge')?.textContent ?? '',
      table: tr.closest('table')?.querySelector('caption')?.textContent ?? '',
      article: tr.closest('section')?.querySelector('h3')?.textContent ?? '',
    })),
  );
  expect(shown.map((r) => r.id)).toEqual(CLAIMS.map((c) => c.id));
  CLAIMS.forEach((c, i) => {
    const r = shown[i]!;
    expect(r.head, c.id).toContain(c.row);
    if (c.column) expect(r.head, c.id).toContain(c.column);
    expect(r.head, c.id).toContain(c.quote);
    expect(r.badge.trim(), c.id).toMatch(new RegExp(`${LABEL[c.verdict]}$`));
    expect(r.table, c.id).toBe(c.section);
    expect(r.article, c.id).toBe(c.article);
  });
  // Every feature table of both articles is there, with as many rows as the file has claims.
  for (const article of FILE.articles) {
    const tables = page.getByRole('region', { name: article.title }).locator('table');
    const sections = [
      ...new Set(CLAIMS.filter((c) => c.article === article.title).map((c) => c.section)),
    ];
    await expect(tables).toHaveCount(sections.length);
  }
  // The articles' figures are labelled as quoted.
  const figure = page.locator('tr[data-claim="ex-tput-same-calico"]');
  await expect(figure.locator('th')).toContainText('9.2 Gbps');
  await expect(figure.locator('.fact-quoted')).toHaveText('quoted');
  await expect(figure).toContainText('Source: quoted, no source found');
  // A source in a repository links to it.
  await expect(
    page
      .locator('tr[data-claim]')
      .filter({ hasText: 'projectcalico/calico:whisker/' })
      .first()
      .getByRole('link', {
        name: 'projectcalico/calico:whisker/',
      }),
  ).toHaveAttribute('href', 'https://github.com/projectcalico/calico/tree/HEAD/whisker/');
});

test('the filter shows only the claims with one mark, and All brings them back', async ({
  app,
  page,
}) => {
  await app.goto('/#/facts');
  const rows = page.locator('tr[data-claim]');
  await expect(rows).toHaveCount(CLAIMS.length);
  const filter = page.getByRole('group', { name: 'Show claims marked' });
  for (const verdict of ['dated', 'false']) {
    const expected = CLAIMS.filter((c) => c.verdict === verdict);
    const button = filter.getByRole('button', { name: new RegExp(`^${LABEL[verdict]} \\d+$`) });
    await button.click();
    await expect(button).toHaveAttribute('aria-pressed', 'true');
    await expect(rows).toHaveCount(expected.length);
    expect(await rows.evaluateAll((trs) => trs.map((t) => t.getAttribute('data-claim')))).toEqual(
      expected.map((c) => c.id),
    );
    await expect(page.getByTestId('facts-shown')).toHaveText(
      new RegExp(`^${expected.length} of ${CLAIMS.length} claims marked ${verdict} `),
    );
  }
  // The filter is in the link: a fresh page opened with it shows the same claims; Back undoes it.
  expect(page.url()).toMatch(/#\/facts\?mark=false$/);
  await page.goBack();
  await expect(rows).toHaveCount(CLAIMS.filter((c) => c.verdict === 'dated').length);
  const fresh = await page.context().newPage();
  await fresh.goto('/#/facts?mark=false');
  await expect(fresh.locator('tr[data-claim]')).toHaveCount(
    CLAIMS.filter((c) => c.verdict === 'false').length,
  );
  await fresh.close();
  await filter.getByRole('button', { name: /^All \d+$/ }).click();
  await expect(rows).toHaveCount(CLAIMS.length);
  expect(page.url()).toMatch(/#\/facts$/);
});

test("a claim's link opens the lesson step that shows it, and a walk link opens the walk", async ({
  app,
  page,
}) => {
  const flowLogs = CLAIMS.find((c) => c.row === 'Network flow logs' && c.column === 'Calico')!;
  const m = /^#\/lessons\/([^/]+)\/(\d+)$/.exec(flowLogs.see)!;
  expect(flowLogs.verdict).toBe('dated');
  await app.goto('/#/facts');
  const row = page.locator(`tr[data-claim="${flowLogs.id}"]`);
  await expect(row.locator('.verdict-badge')).toContainText('Dated');
  await row.getByRole('link', { name: new RegExp(`^Lesson \\d+, step ${m[2]}`) }).click();
  await expect(page.getByTestId('lesson-step')).toHaveText(new RegExp(`^Step ${m[2]} of \\d+$`));
  expect(page.url()).toContain(`#/lessons/${m[1]}/${m[2]}`);
  // Back returns to the fact check.
  await page.goBack();
  await expect(page.locator('tr[data-claim]')).toHaveCount(CLAIMS.length);

  const walk = CLAIMS.find((c) => c.see.startsWith('#/walk?'))!;
  await page.locator(`tr[data-claim="${walk.id}"]`).getByRole('link', { name: /^Walk/ }).click();
  // The walk opens with its own layout (one CNI) and packet.
  const only = new URLSearchParams(walk.see.slice(7)).get('layout') as 'calico' | 'cilium';
  await expect(app.hop(only)).toHaveText(/^\d+ of \d+$/);
  expect(decodeURIComponent(page.url())).toContain(
    new URLSearchParams(walk.see.slice(7)).get('from')!,
  );
});

test('the fact check is reached from the header and from the lesson list', async ({
  app,
  page,
}) => {
  await app.goto('/');
  await app.ready();
  await app.pageButton('Fact check').click();
  await expect(
    page.getByRole('heading', { name: 'The seed articles, fact-checked' }),
  ).toBeVisible();
  await expect(app.pageButton('Fact check')).toHaveAttribute('aria-pressed', 'true');
  expect(page.url()).toMatch(/#\/facts$/);
  await app.openLessonList();
  await page.getByRole('link', { name: /fact-checked/ }).click();
  await expect(page.locator('tr[data-claim]')).toHaveCount(CLAIMS.length);
});

test('axe finds no serious or critical violations on the fact check (light, dark and projector)', async ({
  app,
  page,
}) => {
  test.setTimeout(180_000);
  await app.goto('/#/facts');
  for (const theme of ['light', 'dark', 'projector']) {
    await page.evaluate((t) => window.localStorage.setItem('packetwalk.theme', t), theme);
    // The whole table once; in the other themes the rows of one mark (every badge is in the filter).
    const mark = theme === 'light' ? null : 'dated';
    await page.evaluate((m) => (window.location.hash = m ? `#/facts?mark=${m}` : '#/facts'), mark);
    await page.reload();
    await expect(page.locator('tr[data-claim]')).toHaveCount(
      CLAIMS.filter((c) => !mark || c.verdict === mark).length,
    );
    await expect.poll(() => app.theme()).toBe(theme);
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${theme}: ${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)).toEqual(
      [],
    );
  }
});
