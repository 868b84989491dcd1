import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures/app';

/**
 * What the drawer shows reads in full at the judged sizes and themes: every tab's name (the row
 * wraps rather than scrolls a tab out of sight), a lesson step's whole `hubble observe` filter (on
 * its own line, growing a line where it wraps, never scrolled sideways), and a folded namespace's
 * count of workloads in its box on the service map.
 */
const SHOTS = process.env.DRAWER_SHOTS; // a folder: also save screenshots to look at

const SIZES = [
  [1280, 800],
  [1024, 768],
] as const;
const THEMES = ['light', 'dark', 'projector'] as const;

async function useTheme(page: Page, theme: (typeof THEMES)[number]) {
  await page.addInitScript((t) => window.localStorage.setItem('packetwalk.theme', t), theme);
}

async function shot(page: Page, name: string) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

/**
 * Each drawer tab that does not read in full: its text cut (scrollWidth over clientWidth) or its
 * box out of the tab row's box (scrolled or hung out of the drawer); and the tabs' type, in px.
 */
async function tabProblems(page: Page): Promise<{ problems: string[]; sizes: number[] }> {
  return page.locator('.drawer-tabs').evaluate((row) => {
    const list = row.querySelector('[role="tablist"]')!;
    const outer = list.getBoundingClientRect();
    const drawer = row.closest('.drawer')!.getBoundingClientRect();
    const problems: string[] = [];
    const sizes: number[] = [];
    if (list.scrollWidth > list.clientWidth) problems.push('the tab row scrolls');
    for (const tab of row.querySelectorAll<HTMLElement>('[role="tab"]')) {
      const name = tab.textContent ?? '';
      const box = tab.getBoundingClientRect();
      sizes.push(parseFloat(getComputedStyle(tab).fontSize));
      if (tab.scrollWidth > tab.clientWidth) problems.push(`${name}: text cut`);
      if (box.left < outer.left - 0.5 || box.right > outer.right + 0.5)
        problems.push(`${name}: outside the tab row (${box.left}-${box.right})`);
      if (box.right > drawer.right + 0.5) problems.push(`${name}: outside the drawer`);
    }
    return { problems, sizes };
  });
}

/**
 * Each flow row drawn that does not read in full: a line of it cut (an ellipsis, text past its
 * box), its port/protocol split over two lines, its text below the row's box, or rows that overlap.
 */
async function flowRowProblems(page: Page): Promise<{ problems: string[]; rows: number }> {
  return page.locator('.flows-list').evaluate((list) => {
    const problems: string[] = [];
    const rows = [...list.querySelectorAll<HTMLElement>('.flow-row')].sort(
      (a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top,
    );
    let bottom = -Infinity;
    for (const row of rows) {
      const button = row.querySelector('button')!;
      const name = button.textContent ?? '';
      const box = row.getBoundingClientRect();
      for (const line of button.querySelectorAll<HTMLElement>('.flow-who, .flow-what')) {
        if (line.scrollWidth > line.clientWidth + 0.5) problems.push(`${name}: a line cut`);
        if (
          getComputedStyle(line).textOverflow === 'ellipsis' &&
          line.scrollWidth > line.clientWidth
        )
          problems.push(`${name}: an ellipsis`);
        const r = line.getBoundingClientRect();
        if (r.bottom > box.bottom + 0.5) problems.push(`${name}: below its row`);
      }
      for (const whole of button.querySelectorAll<HTMLElement>('.flow-port, .flow-verdict')) {
        const range = document.createRange();
        range.selectNodeContents(whole);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (tops.size !== 1) problems.push(`${name}: "${whole.textContent}" split over lines`);
      }
      if (box.top < bottom - 0.5) problems.push(`${name}: over the row before`);
      bottom = box.bottom;
    }
    return { problems, rows: rows.length };
  });
}

/** The filter field's text beyond its box (sideways or below), and where it sits. */
async function filterFit(field: Locator) {
  return field.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const command = el.closest('label')!.querySelector('.flows-command')!.getBoundingClientRect();
    const panel = el.closest('.drawer-panel, .presenter-flows')!;
    const pad = getComputedStyle(panel);
    const style = getComputedStyle(el);
    return {
      wide: el.scrollWidth - el.clientWidth,
      tall: el.scrollHeight - el.clientHeight,
      lines: Math.round(
        (el.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)) /
          parseFloat(style.lineHeight),
      ),
      // A line of its own: under the command, from the panel's left to its right.
      below: box.top >= command.bottom - 0.5,
      width: box.width,
      roomWidth: panel.clientWidth - parseFloat(pad.paddingLeft) - parseFloat(pad.paddingRight),
      fontSize: parseFloat(style.fontSize),
    };
  });
}

/**
 * The filter as the room sees it, line by line: while the field is not focused its text is shown
 * by a copy laid over it (FlowParts.tsx FilterField) and the textarea's own text is transparent.
 */
async function shownFilter(field: Locator) {
  return field.evaluate((el: HTMLElement) => {
    const shown = el.parentElement!.querySelector<HTMLElement>('.flows-field-shown');
    const lines: string[] = [];
    if (shown) {
      let top = -Infinity;
      const walk = document.createTreeWalker(shown, NodeFilter.SHOW_TEXT);
      for (let node = walk.nextNode(); node; node = walk.nextNode()) {
        for (let i = 0; i < node.textContent!.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const rect = range.getClientRects()[0];
          if (rect && rect.top > top + 1) {
            lines.push('');
            top = rect.top;
          }
          lines.push(`${lines.pop() ?? ''}${node.textContent![i]}`);
        }
      }
    }
    return {
      lines,
      text: shown?.textContent ?? null,
      copyVisible: shown !== null && getComputedStyle(shown).visibility === 'visible',
      ownText: getComputedStyle(el).color,
      copyInside: shown !== null && shown.offsetHeight <= el.offsetHeight + 0.5,
    };
  });
}

test.describe('the drawer reads in full', () => {
  for (const [width, height] of SIZES)
    for (const theme of THEMES)
      test(`${width}×${height}, ${theme}: lesson 11 step 8, every tab and the whole filter`, async ({
        page,
      }) => {
        test.setTimeout(90_000);
        await page.setViewportSize({ width, height });
        await useTheme(page, theme);
        await page.goto('/#/lessons/11-observability/8');
        const tabs = page.locator('.drawer-tabs [role="tab"]');
        await expect(tabs).toHaveText(['Lesson', 'Inspector', 'Flows']);
        const field = page.getByRole('textbox', { name: /hubble observe/ });
        await expect(field).toHaveValue('--verdict DROPPED --to-pod shop/backend');
        await expect(page.locator('.flow-row').first()).toContainText('DROPPED', {
          timeout: 60_000,
        });

        const { problems, sizes } = await tabProblems(page);
        expect(problems).toEqual([]);
        // The tabs keep the drawer's type (0.9rem: 14.4 px, 18 px in the projector's 125 %).
        const rem = await page.evaluate(() =>
          parseFloat(getComputedStyle(document.documentElement).fontSize),
        );
        for (const px of sizes) expect(px).toBeGreaterThanOrEqual(0.85 * rem);

        const fit = await filterFit(field);
        expect(fit.below, 'the filter has a line of its own').toBe(true);
        expect(fit.width).toBeGreaterThanOrEqual(fit.roomWidth - 1);
        expect(fit.wide, 'no part of the filter scrolled out sideways').toBeLessThanOrEqual(0);
        expect(fit.tall, 'no line of the filter below its box').toBeLessThanOrEqual(0);
        // One line where it fits (1280 light and dark: 39 characters of 14.4 px monospace), else
        // two; never more for this filter, and the projector's type stays large.
        if (width === 1280 && theme !== 'projector') expect(fit.lines).toBe(1);
        expect(fit.lines).toBeLessThanOrEqual(2);
        expect(fit.fontSize).toBeGreaterThanOrEqual(theme === 'projector' ? 20 : 14);
        // As shown, each flag keeps its value on its line: never `--` at a line's end and
        // `verdict` at the next's (a textarea breaks after any hyphen).
        const shown = await shownFilter(field);
        expect(shown.text, 'the filter as shown is the text as typed').toBe(
          '--verdict DROPPED --to-pod shop/backend',
        );
        expect(shown.copyVisible).toBe(true);
        expect(shown.ownText, "the textarea's own text is not drawn under it").toBe(
          'rgba(0, 0, 0, 0)',
        );
        expect(shown.copyInside).toBe(true);
        expect(shown.lines.map((l) => l.trim())).toEqual(
          fit.lines === 1
            ? ['--verdict DROPPED --to-pod shop/backend']
            : ['--verdict DROPPED', '--to-pod shop/backend'],
        );
        await shot(page, `lesson11-8-${width}-${theme}`);
        // Each flow row reads whole (destination, port/protocol, verdict), wrapping where it must.
        const flows = await flowRowProblems(page);
        expect(flows.rows).toBeGreaterThan(0);
        expect(flows.problems).toEqual([]);
        await expect(page.locator('.flow-row').first()).toContainText(/\d+\/(TCP|UDP)/);
        const axe = await new AxeBuilder({ page }).include('.drawer').analyze();
        expect(
          axe.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        ).toEqual([]);
      });

  test('a filter too long for a line grows a line; Enter and a pasted line break add none', async ({
    page,
  }) => {
    test.setTimeout(90_000);
    await page.setViewportSize({ width: 1024, height: 768 });
    await useTheme(page, 'projector');
    await page.goto('/#/lessons/11-observability/8');
    const field = page.getByRole('textbox', { name: /hubble observe/ });
    await expect(field).toHaveValue('--verdict DROPPED --to-pod shop/backend');
    // The flow rows follow the drawer's width and the type: measured again, never cut, never overlapping.
    await expect(page.locator('.flow-row').first()).toContainText('DROPPED', { timeout: 60_000 });
    const resize = page.getByRole('separator', { name: 'Resize the panels drawer' });
    for (const key of ['End', 'Home', 'End']) {
      await resize.press(key);
      await expect.poll(async () => (await flowRowProblems(page)).problems).toEqual([]);
    }
    // And the theme's type: smaller rows in the light theme, larger again in the projector's.
    for (const theme of ['light', 'projector']) {
      await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
      await expect.poll(async () => (await flowRowProblems(page)).problems).toEqual([]);
    }
    const long = '--verdict DROPPED --to-pod shop/backend --from-pod shop/frontend --type l7';
    await field.fill(long);
    await field.press('Enter');
    await expect(field).toHaveValue(long);
    // The narrowest drawer (300 px), the width it comes back to below.
    await resize.press('End');
    await expect(resize).toHaveAttribute('aria-valuenow', '300');
    const fit = await filterFit(field);
    expect(fit.lines).toBeGreaterThanOrEqual(3);
    expect(fit.wide).toBeLessThanOrEqual(0);
    expect(fit.tall).toBeLessThanOrEqual(0);
    await expect(field).toHaveAttribute('aria-invalid', 'false');
    // A wider drawer: the field follows its new wrapping, a line or more shorter.
    await resize.press('Home');
    await expect.poll(async () => (await filterFit(field)).lines).toBeLessThan(fit.lines);
    expect((await filterFit(field)).tall).toBeLessThanOrEqual(0);
    await resize.press('End');
    await expect.poll(async () => (await filterFit(field)).lines).toBe(fit.lines);
    // Being edited, the textarea's own text is seen; once left, each flag on a line with its value
    // (`--from-pod shop/frontend`, wider than the line, breaks at its space, not inside the flag).
    await field.focus();
    expect((await shownFilter(field)).copyVisible).toBe(false);
    expect((await shownFilter(field)).ownText).not.toBe('rgba(0, 0, 0, 0)');
    await field.blur();
    const shown = await shownFilter(field);
    expect(shown.copyVisible).toBe(true);
    expect(shown.text).toBe(long);
    expect(shown.copyInside).toBe(true);
    for (const line of shown.lines)
      expect(line, 'a line of the filter').toMatch(/^(--[a-z]|\S+\/)/);
    expect(shown.lines.join('')).toBe(long);
    await expect(field).toHaveValue(long);
    // A filter is one line: a pasted line break is a space.
    await field.fill('--verdict DROPPED\n--type l7');
    await expect(field).toHaveValue('--verdict DROPPED --type l7');

    // Calico's flow-log filter is the same field.
    await page.locator('.flows-tabs').getByRole('button', { name: 'Calico' }).click();
    const whisker = page.getByRole('textbox', { name: /^filter/ });
    await whisker.fill('action=Deny policy~allow namespace=shop reporter=Dst');
    const calico = await filterFit(whisker);
    expect(calico.below).toBe(true);
    expect(calico.lines).toBeGreaterThanOrEqual(2);
    expect(calico.wide).toBeLessThanOrEqual(0);
    expect(calico.tall).toBeLessThanOrEqual(0);
  });

  for (const theme of THEMES)
    test(`1024×768, ${theme}: six panels open, every tab reads in full (the row wraps)`, async ({
      page,
    }) => {
      await page.setViewportSize({ width: 1024, height: 768 });
      await useTheme(page, theme);
      await page.goto(
        '/#/walk?scenario=seed-policies&panels=inspector,policies,matrix,scale,dataplane,flows',
      );
      await expect(page.locator('.drawer-tabs [role="tab"]')).toHaveCount(6);
      const { problems } = await tabProblems(page);
      expect(problems).toEqual([]);
      // The close button stays inside the drawer too.
      const close = (await page.locator('.drawer-tabs .drawer-close').boundingBox())!;
      expect(close.x + close.width).toBeLessThanOrEqual(1024.5);
      await shot(page, `six-panels-1024-${theme}`);
    });

  for (const theme of ['light', 'projector'] as const)
    test(`1024×768, ${theme}: a folded namespace's box shows its count of workloads`, async ({
      page,
    }) => {
      test.setTimeout(180_000);
      await page.setViewportSize({ width: 1024, height: 768 });
      await useTheme(page, theme);
      await page.goto(
        '/#/walk?scenario=gen:pods:160,nodes:3,ns:4,pol:3,mix:40-30-30,seed:2&panels=flows&ftab=map',
      );
      const map = page.locator('.service-map-view').getByTestId('service-map');
      await expect(map.locator('g.sm-edge').first()).toBeVisible({ timeout: 150_000 });
      const folded = map.locator('g.sm-box[data-kind="namespace"]');
      await expect(folded).toHaveCount(4);
      const boxes = await folded.evaluateAll((gs) =>
        gs.map((g) => {
          const rect = g.querySelector('rect')!.getBoundingClientRect();
          const name = g.querySelector('.sm-box-name')!;
          const detail = g.querySelector('.sm-box-detail')!;
          const n = name.getBoundingClientRect();
          const d = detail.getBoundingClientRect();
          return {
            name: name.textContent,
            count: detail.textContent,
            label: g.getAttribute('aria-label'),
            inside:
              d.width > 0 &&
              d.left >= rect.left &&
              d.right <= rect.right &&
              d.top >= rect.top &&
              d.bottom <= rect.bottom,
            apart: n.right <= d.left,
          };
        }),
      );
      for (const b of boxes) {
        expect(b.name).toMatch(/^▸ ns-\d$/);
        expect(b.count, `${b.name}'s count`).toMatch(/^8( workloads)?$/);
        expect(b.label).toMatch(/folded: 8 workloads; open it$/);
        expect(b.inside, `${b.name}'s count inside its box`).toBe(true);
        expect(b.apart, `${b.name}'s count clear of its name`).toBe(true);
      }
      await shot(page, `map-folded-1024-${theme}`);
    });
});
