import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/app';

/**
 * The Flows panel's service map (issue 17): the run's map for the CNI chosen, an edge that lists
 * its flows when clicked, axe clean in every theme, and labels that do not overlap.
 */
const SHOTS = process.env.MAP_SHOTS; // a folder: also save screenshots to look at

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
  text: string;
}

/** The drawn text of the map (box names, group names, edge labels) as screen rectangles. */
async function textRects(page: Page): Promise<Rect[]> {
  return page.locator('svg.service-map text').evaluateAll((nodes) =>
    nodes
      .filter((n) => (n.textContent ?? '').length > 0)
      .map((n) => {
        const r = n.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height, text: n.textContent ?? '' };
      }),
  );
}

const overlap = (a: Rect, b: Rect) =>
  a.x < b.x + b.width - 1 &&
  b.x < a.x + a.width - 1 &&
  a.y < b.y + b.height - 1 &&
  b.y < a.y + a.height - 1;

/** The pairs of the map's drawn texts that overlap, as `a / b`. */
async function clashes(page: Page): Promise<string[]> {
  const rects = await textRects(page);
  return rects.flatMap((a, k) =>
    rects.slice(k + 1).flatMap((b) => (overlap(a, b) ? [`${a.text} / ${b.text}`] : [])),
  );
}

/** The map view's serious and critical axe violations, with their elements. */
async function axeProblems(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include('.service-map-view').analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test.describe('Service map', () => {
  test.setTimeout(180_000);

  test('draws the run, lists an edge’s flows, axe clean, readable in every theme', async ({
    app,
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await app.goto('/#/walk?scenario=seed-policies&panels=flows&ftab=map');
    await app.ready();
    await expect(app.drawerTab('Flows')).toHaveAttribute('aria-selected', 'true');
    const view = page.locator('.service-map-view');
    const map = view.getByTestId('service-map');
    await expect(map.locator('g.sm-edge').first()).toBeVisible({ timeout: 120_000 });
    await expect(view.getByRole('status')).toHaveText(/^\d+ workloads?, \d+ edges?$/);
    await expect(view.getByRole('button', { name: 'Cilium' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );

    // An edge with a drop: a click lists its connections, each with its door.
    const dropped = map.locator(
      'g.sm-edge[data-verdict="dropped"], g.sm-edge[data-verdict="mixed"]',
    );
    const edge = dropped.first();
    const name = (await edge.getAttribute('aria-label')) ?? '';
    expect(name).toMatch(/ to .*: \d+ forwarded, [1-9]\d* dropped, ports /);
    // A click on the edge's label or ✕ (drawn above every line) selects it.
    const id = (await edge.getAttribute('data-edge'))!;
    const handle = (edgeId: string) =>
      map.locator(`g.sm-edge-label[data-edge="${edgeId}"] text`).filter({ hasText: /\S/ });
    await handle(id).click();
    await expect(edge).toHaveAttribute('aria-pressed', 'true');
    const flows = view.getByRole('region', { name: 'Flows of the selected edge' });
    await expect(flows.getByText(name)).toBeVisible();
    await expect(flows.locator('li.sm-flow[data-verdict="DROPPED"]').first()).toBeVisible();
    await expect(flows.getByRole('button', { name: 'Walk this packet' }).first()).toBeVisible();

    // The keyboard reaches an edge and Enter selects it.
    const other = map.locator('g.sm-edge').first();
    await other.focus();
    await page.keyboard.press('Enter');
    await expect(other).toHaveAttribute('aria-pressed', 'true');

    // The switch shows Calico's map, and the URL keeps it.
    await view.getByRole('button', { name: 'Calico' }).click();
    await expect(page).toHaveURL(/mapcni=calico/);
    await expect(map.locator('g.sm-edge').first()).toBeVisible();
    await handle((await dropped.first().getAttribute('data-edge'))!).click();

    const themes = ['System', 'Light', 'Dark', 'Projector'] as const;
    for (let i = 1; i < themes.length; i++) {
      await app.themeToggle(themes[i - 1]!).click();
      const theme = themes[i]!;
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme.toLowerCase());
      for (const size of [
        { width: 1280, height: 800 },
        { width: 1024, height: 768 },
      ]) {
        await page.setViewportSize(size);
        await page.waitForTimeout(300);
        expect(await axeProblems(page), `${theme} ${size.width}`).toEqual([]);
        const rects = await textRects(page);
        expect(await clashes(page), `${theme} ${size.width}`).toEqual([]);
        // Nothing smaller than 11 px on screen.
        const smallest = Math.min(...rects.map((r) => r.height));
        expect(smallest, `${theme} ${size.width}`).toBeGreaterThanOrEqual(11);
        if (SHOTS) {
          mkdirSync(SHOTS, { recursive: true });
          await page.screenshot({
            path: `${SHOTS}/map-${size.width}-${theme.toLowerCase()}.png`,
          });
          await map.screenshot({
            path: `${SHOTS}/map-only-${size.width}-${theme.toLowerCase()}.png`,
          });
        }
      }
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  for (const [width, height, theme] of [
    [1280, 800, 'light'],
    [1024, 768, 'projector'],
  ] as const)
    test(`32 workloads at ${width}×${height}, ${theme}: namespaces fold into boxes that open on a click`, async ({
      app,
      page,
    }) => {
      await page.setViewportSize({ width, height });
      await page.addInitScript((t) => window.localStorage.setItem('packetwalk.theme', t), theme);
      await app.goto(
        '/#/walk?scenario=gen:pods:160,nodes:3,ns:4,pol:3,mix:40-30-30,seed:2&panels=flows&ftab=map',
      );
      const view = page.locator('.service-map-view');
      const map = view.getByTestId('service-map');
      await expect(map.locator('g.sm-edge').first()).toBeVisible({ timeout: 150_000 });
      await expect(view.getByRole('status')).toHaveText(/^32 workloads, \d+ edges$/);
      const folded = map.locator('g.sm-box[data-kind="namespace"]');
      await expect(folded).toHaveCount(4);
      // The folded column fits the drawer's first screen: no scrolling to see the namespaces.
      const canvas = (await view.locator('.sm-canvas').boundingBox())!;
      const last = (await folded.last().boundingBox())!;
      expect(last.y + last.height).toBeLessThanOrEqual(canvas.y + canvas.height + 1);
      const apart = async (what: string) => {
        expect(await clashes(page), what).toEqual([]);
        const heights = (await textRects(page)).map((r) => r.height);
        expect(Math.min(...heights), what).toBeGreaterThanOrEqual(11);
      };
      await apart('folded');

      // A click opens ns-1: its eight workloads in a group named "▾ ns-1".
      const ns1 = map.getByRole('button', { name: /^namespace ns-1, folded/ });
      await expect(ns1).toHaveAttribute('aria-expanded', 'false');
      await ns1.click();
      await expect(folded).toHaveCount(3);
      await expect(map.locator('g.sm-box[data-box^="workload:ns-1/"]')).toHaveCount(8);
      await apart('ns-1 open');
      expect(await axeProblems(page)).toEqual([]);
      if (SHOTS) {
        mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: `${SHOTS}/map-32-open-${width}-${theme}.png` });
      }
      // The keyboard folds it again from its group's name.
      const group = map.getByRole('button', { name: /^namespace ns-1, open/ });
      await group.focus();
      await page.keyboard.press('Enter');
      await expect(folded).toHaveCount(4);
      await expect(map.locator('g.sm-box[data-box^="workload:ns-1/"]')).toHaveCount(0);
    });

  test('a generated cluster: a group per namespace, labels apart, axe clean', async ({
    app,
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await app.goto(
      '/#/walk?scenario=gen:pods:24,nodes:3,ns:3,pol:3,mix:40-30-30,seed:2&panels=flows&ftab=map',
    );
    const map = page.locator('.service-map-view').getByTestId('service-map');
    await expect(map.locator('g.sm-edge').first()).toBeVisible({ timeout: 150_000 });
    expect(await map.locator('g.sm-group').count()).toBeGreaterThan(1);
    expect(await clashes(page)).toEqual([]);
    expect(await axeProblems(page)).toEqual([]);
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/map-generated-1280.png` });
      await map.screenshot({ path: `${SHOTS}/map-only-generated-1280.png` });
    }
  });
});
