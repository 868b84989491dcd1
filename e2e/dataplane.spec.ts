import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test, type AppPage, type Cni } from './fixtures/app';

/**
 * The Dataplane panel (issue 16): one node's dump, the current hop's deciding rule (Calico) or
 * policy-map entry (Cilium) highlighted, a search that steps through its matches, the inspector's
 * "Show in Dataplane" link, axe in three themes. DATAPLANE_SHOTS=dir saves screenshots.
 */
const SHOTS = process.env.DATAPLANE_SHOTS;
const WALK =
  '/#/walk?scenario=seed-policies&from=shop/frontend&to=shop/backend&port=8080&proto=TCP';

const panel = (page: Page) => page.getByRole('region', { name: 'Dataplane' });
const tree = (page: Page) => panel(page).getByRole('tree');

/** Steps forward until `cni`'s packet is at its ingress policy hop. */
async function stepToIngressPolicy(app: AppPage, cni: Cni) {
  const forward = app.button('Step forward');
  for (let i = 0; i < 40; i++) {
    if ((await app.stage(cni).getAttribute('data-stage')) === 'ingress-policy') return;
    await forward.click();
  }
  await expect(app.stage(cni)).toHaveAttribute('data-stage', 'ingress-policy');
}

/**
 * What of the dump does not read in full: the list scrolling sideways, a row or a word beyond its
 * row's right edge, a word cut across lines though it fits on one; and the current row's lines (the
 * left of its first line and of the others: a hanging indent), its top against the list's, and the
 * search's placeholder against its field.
 */
async function dumpFit(page: Page) {
  return panel(page).evaluate((section) => {
    const problems: string[] = [];
    const list = section.querySelector<HTMLElement>('.dp-scroll')!;
    const listBox = list.getBoundingClientRect();
    if (list.scrollWidth > list.clientWidth + 1)
      problems.push(`the list scrolls sideways (${list.scrollWidth} > ${list.clientWidth})`);
    const right = listBox.left + list.clientLeft + list.clientWidth + 0.5;
    for (const code of section.querySelectorAll<HTMLElement>('.dp-line code')) {
      const name = (code.textContent ?? '').slice(0, 40);
      const box = code.getBoundingClientRect();
      if (code.scrollWidth > code.clientWidth + 1 || box.right > right)
        problems.push(`row cut: ${name}`);
      const style = getComputedStyle(code);
      const room =
        code.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const line = parseFloat(getComputedStyle(code.parentElement!).lineHeight);
      for (const word of code.querySelectorAll<HTMLElement>('.dp-word')) {
        const w = word.getBoundingClientRect();
        if (w.right > box.right + 0.5) problems.push(`word out of its row: ${word.textContent}`);
        if (w.height > 1.5 * line && w.width < room - 1)
          problems.push(`word cut though it fits a line: ${word.textContent}`);
      }
    }
    const current = section.querySelector<HTMLElement>('[aria-current="true"]');
    const words = [...(current?.querySelectorAll<HTMLElement>('.dp-word') ?? [])].map((w) =>
      w.getBoundingClientRect(),
    );
    const firstTop = Math.min(...words.map((w) => w.top));
    const first = words.filter((w) => w.top < firstTop + 1);
    const rest = words.filter((w) => w.top >= firstTop + 1);
    const input = section.querySelector<HTMLInputElement>('input[type="search"]')!;
    const inputStyle = getComputedStyle(input);
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = `${inputStyle.fontWeight} ${inputStyle.fontSize} ${inputStyle.fontFamily}`;
    return {
      problems,
      currentLines: new Set(words.map((w) => Math.round(w.top))).size,
      firstLeft: Math.min(...first.map((w) => w.left)),
      restLeft: Math.min(...rest.map((w) => w.left)),
      fontSize: current ? parseFloat(getComputedStyle(current.querySelector('code')!).fontSize) : 0,
      currentTop: (current?.getBoundingClientRect().top ?? 0) - listBox.top,
      placeholder: ctx.measureText(input.placeholder).width,
      placeholderRoom:
        input.clientWidth -
        parseFloat(inputStyle.paddingLeft) -
        parseFloat(inputStyle.paddingRight),
    };
  });
}

test.describe('Dataplane panel', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('highlights the deciding rule (Calico) and policy-map entry (Cilium) as the walk plays', async ({
    app,
    page,
  }) => {
    await app.goto(`${WALK}&panels=dataplane`);
    await app.ready();
    await expect(tree(page)).toBeVisible();

    await panel(page).getByRole('button', { name: 'Calico', exact: true }).click();
    await stepToIngressPolicy(app, 'calico');
    // The receiver's node, followed from the walk, and the rule that accepted the packet.
    await expect(tree(page)).toHaveAccessibleName('Calico dataplane on node-2');
    const calicoRow = tree(page).locator('[role="treeitem"][aria-current="true"]');
    await expect(calicoRow).toBeVisible();
    await expect(calicoRow).toContainText(/^.*-A cali-(pi|tw)-\S+ .*/);
    // It is the row the inspector marks as deciding this hop.
    await expect(calicoRow).toContainText('allow-frontend');
    await expect(calicoRow).toBeInViewport();

    await panel(page).getByRole('button', { name: 'Cilium', exact: true }).click();
    await stepToIngressPolicy(app, 'cilium');
    await expect(tree(page)).toHaveAccessibleName('Cilium dataplane on node-2');
    const ciliumRow = tree(page).locator('[role="treeitem"][aria-current="true"]');
    await expect(ciliumRow).toBeVisible();
    // The policy map entry: allow, ingress, from frontend's identity, port 8080/TCP.
    await expect(ciliumRow).toHaveText(/Allow\s+Ingress\s+k8s:app=frontend\s+8080\/TCP/);
    await expect(ciliumRow).toBeInViewport();
  });

  test('search finds a chain, counts its matches and steps with Enter', async ({ app, page }) => {
    await app.goto(`${WALK}&panels=dataplane`);
    await app.ready();
    await panel(page).getByRole('button', { name: 'Calico', exact: true }).click();
    await expect(tree(page)).toBeVisible();
    const search = panel(page).getByRole('searchbox', { name: 'Search' });
    await search.fill('cali-from-wl-dispatch');
    const count = panel(page).locator('.dp-count');
    await expect(count).toHaveText(/^1 of (\d+)$/);
    const total = Number(/of (\d+)/.exec((await count.textContent()) ?? '')?.[1]);
    expect(total).toBeGreaterThan(1);
    await search.press('Enter');
    await expect(count).toHaveText(`2 of ${total}`);
    const hit = tree(page).locator('.dp-match');
    await expect(hit).toBeInViewport();
    await expect(hit.locator('mark')).toHaveText('cali-from-wl-dispatch');
    await search.press('Shift+Enter');
    await expect(count).toHaveText(`1 of ${total}`);
    await search.fill('no-such-chain-anywhere');
    await expect(count).toHaveText('no match');

    // The tree is keyboard navigable: Home, and a section collapses and opens again.
    await tree(page).focus();
    await page.keyboard.press('Home');
    const selected = tree(page).locator('[role="treeitem"][aria-selected="true"]');
    await expect(selected).toHaveAttribute('aria-posinset', '1');
    await search.fill('cali-FORWARD (');
    const title = tree(page).locator('[data-line-id="filter/cali-FORWARD"]');
    await expect(title).toHaveAttribute('aria-expanded', 'true');
    await title.click();
    await expect(title).toHaveAttribute('aria-expanded', 'false');
    await expect(tree(page).locator('[data-line-id="filter/cali-FORWARD/1"]')).toHaveCount(0);
    await expect(tree(page)).toBeFocused();
    await page.keyboard.press('ArrowRight');
    await expect(title).toHaveAttribute('aria-expanded', 'true');
    await page.keyboard.press('ArrowDown');
    await expect(selected).toHaveAttribute('data-line-id', 'filter/cali-FORWARD/1');
  });

  test('a row jumps to the YAML of the policy that made it', async ({ app, page }) => {
    await app.goto(`${WALK}&panels=dataplane`);
    await app.ready();
    await panel(page).getByRole('button', { name: 'Cilium', exact: true }).click();
    await stepToIngressPolicy(app, 'cilium');
    await expect(tree(page).locator('[aria-current="true"]')).toBeVisible();
    // The deciding entry came from allow-frontend's ingress rule.
    await panel(page)
      .getByRole('button', { name: 'Show NetworkPolicy shop/allow-frontend in Policies' })
      .click();
    await expect(app.drawerTab('Policies')).toHaveAttribute('aria-selected', 'true');
    await expect(app.editor()).toBeFocused();
    const line = app.editor().locator('.cm-line', { hasText: 'name: allow-frontend' });
    await expect(line).toBeInViewport();
    // The cursor is on the policy's first line (where the engine read the object).
    const cursorLine = await page.evaluate(() => {
      const sel = window.getSelection();
      const node = sel?.anchorNode;
      const el = node instanceof Element ? node : node?.parentElement;
      return el?.closest('.cm-line')?.textContent ?? '';
    });
    expect(cursorLine).toMatch(/^(apiVersion|kind|---)/);
  });

  test('the policy at the editor’s cursor marks and lists the rows it made', async ({
    app,
    page,
  }) => {
    await app.goto(`${WALK}&panels=policies,dataplane`);
    await app.ready();
    await app.drawerTab('Dataplane').click();
    await panel(page).getByRole('button', { name: 'Calico', exact: true }).click();
    await panel(page).getByRole('combobox', { name: 'Node' }).selectOption('node-2');
    await expect(tree(page)).toHaveAccessibleName('Calico dataplane on node-2');
    await app.drawerTab('Policies').click();
    // CodeMirror draws only the lines near its viewport: scroll to allow-frontend (line 146).
    await app.editor().locator('.cm-line').first().waitFor();
    await page.evaluate(() => {
      const scroller = document.querySelector('[data-testid="policy-editor"] .cm-scroller')!;
      const line = document.querySelector('[data-testid="policy-editor"] .cm-line') as HTMLElement;
      scroller.scrollTop = 140 * line.offsetHeight;
    });
    await app.editor().locator('.cm-line', { hasText: 'name: allow-frontend' }).click();
    await app.drawerTab('Dataplane').click();
    const made = panel(page).locator('.dp-made');
    await expect(made).toContainText(
      /\d+ rows? made by NetworkPolicy shop\/allow-frontend \(at the editor’s cursor\)/,
    );
    await made.getByRole('button', { name: 'Next row of it' }).click();
    await expect(made).toContainText(/: 1 of \d+/);
    const selected = tree(page).locator('[role="treeitem"][aria-selected="true"]');
    await expect(selected).toHaveClass(/dp-made-row/);
    await expect(selected).toContainText('shop/allow-frontend');
    await expect(selected).toBeInViewport();
  });

  test('the inspector’s row opens the panel at that row', async ({ app, page }) => {
    await app.goto(`${WALK}&panels=inspector`);
    await app.ready();
    await stepToIngressPolicy(app, 'calico');
    const inspector = app.inspector('calico');
    // A row that did not decide (the first rule tested), so the panel's answer is the link's, not
    // the current hop's highlight.
    const tested = inspector
      .locator('tr[data-state="tested"]')
      .filter({ has: page.getByRole('button', { name: /in the Dataplane panel/ }) })
      .first();
    await expect(tested).toBeVisible();
    const text = ((await tested.locator('td code').last().textContent()) ?? '').trim();
    await tested.getByRole('button', { name: /in the Dataplane panel/ }).click();
    await expect(app.drawerTab('Dataplane')).toHaveAttribute('aria-selected', 'true');
    const selected = tree(page).locator('[role="treeitem"][aria-selected="true"]');
    await expect(selected.locator('code')).toHaveText(text);
    await expect(selected).not.toHaveAttribute('aria-current', 'true');
    await expect(selected).toBeInViewport();
    await expect(tree(page)).toBeFocused();
  });

  test('axe clean and readable in light, dark and projector, at 1280×800 and 1024×768', async ({
    app,
    page,
  }) => {
    test.setTimeout(180_000);
    await app.goto(`${WALK}&panels=dataplane`);
    await app.ready();
    await stepToIngressPolicy(app, 'calico');
    await expect(tree(page).locator('[aria-current="true"]')).toBeVisible();
    const themes = ['System', 'Light', 'Dark', 'Projector'] as const;
    for (let i = 1; i < themes.length; i++) {
      await app.themeToggle(themes[i - 1]!).click();
      const theme = themes[i]!;
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme.toLowerCase());
      const results = await new AxeBuilder({ page }).include('.dataplane').analyze();
      expect(
        results.violations.map(
          (v) => `${theme}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        ),
      ).toEqual([]);
      // Monospace rows: never smaller than 13 px, wrapped inside the list, never cut.
      const row = tree(page).locator('[aria-current="true"] code');
      const size = await row.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      expect(size).toBeGreaterThanOrEqual(13);
      expect((await dumpFit(page)).problems).toEqual([]);
      if (SHOTS) {
        mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: `${SHOTS}/dataplane-1280-${theme.toLowerCase()}.png` });
        await page.setViewportSize({ width: 1024, height: 768 });
        await page.waitForTimeout(400);
        await page.screenshot({ path: `${SHOTS}/dataplane-1024-${theme.toLowerCase()}.png` });
        await page.setViewportSize({ width: 1280, height: 800 });
      }
    }
  });

  for (const [width, height] of [
    [1280, 800],
    [1024, 768],
  ] as const)
    for (const theme of ['light', 'dark', 'projector'] as const)
      test(`${width}×${height}, ${theme}, the narrowest drawer: rules wrap with a hanging indent, the search reads whole`, async ({
        app,
        page,
      }) => {
        test.setTimeout(90_000);
        await page.setViewportSize({ width, height });
        await page.addInitScript((t) => window.localStorage.setItem('packetwalk.theme', t), theme);
        await app.goto(`${WALK}&panels=dataplane`);
        await app.ready();
        const resize = page.getByRole('separator', { name: 'Resize the panels drawer' });
        await resize.press('End');
        await expect(resize).toHaveAttribute('aria-valuenow', '300');
        await panel(page).getByRole('button', { name: 'Calico', exact: true }).click();
        await stepToIngressPolicy(app, 'calico');
        const row = tree(page).locator('[role="treeitem"][aria-current="true"]');
        await expect(row).toContainText('allow-frontend');
        await expect(row).toBeInViewport();
        // The list settles on the row (the rows on the way are measured as they are drawn).
        await expect.poll(async () => (await dumpFit(page)).currentTop).toBeGreaterThanOrEqual(0);
        const fit = await dumpFit(page);
        expect(fit.problems).toEqual([]);
        // The rule (over 200 characters) wraps, its later lines indented under its first.
        expect(fit.currentLines).toBeGreaterThan(2);
        expect(fit.restLeft - fit.firstLeft).toBeGreaterThanOrEqual(0.8 * fit.fontSize);
        // Its first line in sight, under a line or two of what comes before it.
        expect(fit.currentTop).toBeLessThan(3 * fit.fontSize * 1.5);
        expect(fit.placeholder, 'the placeholder reads whole').toBeLessThanOrEqual(
          fit.placeholderRoom,
        );
        if (SHOTS) {
          mkdirSync(SHOTS, { recursive: true });
          await page.screenshot({ path: `${SHOTS}/dataplane-300-${width}-${theme}.png` });
        }
      });
});
