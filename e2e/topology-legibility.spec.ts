import type { Page } from '@playwright/test';
import { expect, test, type AppPage } from './fixtures/app';
import { expectLegibleTopology } from './fixtures/topologyLabels';

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
] as const;

const LAYOUTS = [
  { name: 'compare', button: 'Compare', panels: ['Calico', 'Cilium'] },
  { name: 'Calico only', button: 'Calico only', panels: ['Calico'] },
  { name: 'Cilium only', button: 'Cilium only', panels: ['Cilium'] },
] as const;

/**
 * Labels the packet marker (its dot and outer-header rings) or the drop mark covers, and labels
 * whose centre is covered by something outside their drawing (a control, a popover, a sheet).
 * Only labels whose centre lies inside their panel's visible canvas are asked about the cover
 * (a drawing larger than its panel is panned, and what is panned away is not covered).
 */
async function coveredLabels(page: Page): Promise<{ byPacket: string[]; byControl: string[] }> {
  return page.evaluate(() => {
    const shown = (el: Element): boolean => {
      for (let e: Element | null = el; e; e = e.parentElement) {
        if (e.getAttribute('display') === 'none') return false;
        const style = getComputedStyle(e);
        if (style.display === 'none' || style.visibility === 'hidden') return false;
      }
      return true;
    };
    const byPacket: string[] = [];
    const byControl: string[] = [];
    for (const svg of document.querySelectorAll<SVGSVGElement>('svg')) {
      if (!svg.querySelector('.topology')) continue;
      const texts = [...svg.querySelectorAll<SVGTextElement>('.topology text')].filter(
        (t) => shown(t) && (t.textContent ?? '').trim() !== '',
      );
      const marks = [...svg.querySelectorAll<SVGGElement>('g.packet, g.drop-marker')].filter(shown);
      for (const m of marks) {
        const r = m.getBoundingClientRect();
        for (const t of texts) {
          const q = t.getBoundingClientRect();
          const w = Math.min(r.right, q.right) - Math.max(r.left, q.left);
          const h = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
          if (w > 1 && h > 1)
            byPacket.push(`"${t.textContent}" under the ${m.getAttribute('class')}`);
        }
      }
      const canvas = (svg.parentElement ?? svg).getBoundingClientRect();
      for (const t of texts) {
        const q = t.getBoundingClientRect();
        const x = q.left + q.width / 2;
        const y = q.top + q.height / 2;
        if (x < canvas.left || x > canvas.right || y < canvas.top || y > canvas.bottom) continue;
        const hit = document.elementFromPoint(x, y);
        if (!hit || !svg.contains(hit))
          byControl.push(
            `"${t.textContent}" covered by ${hit ? `${hit.tagName.toLowerCase()}.${hit.className}` : 'nothing'}`,
          );
      }
    }
    return { byPacket, byControl };
  });
}

/** The zoom tool row of every topology sits above its drawing, never over it. */
async function expectToolsAboveDrawing(app: AppPage, panels: readonly string[]) {
  for (const name of panels) {
    const svg = app.page.getByRole('figure', { name: `${name} topology` });
    const tools = app.page.getByRole('group', { name: `${name} topology zoom` });
    const s = (await svg.boundingBox())!;
    const z = (await tools.boundingBox())!;
    expect(z.y + z.height, `${name}: tool row above the drawing`).toBeLessThanOrEqual(s.y + 0.5);
  }
}

async function expectClearTopology(page: Page, minFont: number) {
  await expectLegibleTopology(page, minFont);
  const covered = await coveredLabels(page);
  expect(covered.byPacket, 'labels under the packet').toEqual([]);
  expect(covered.byControl, 'labels covered by a control').toEqual([]);
}

async function setLayout(app: AppPage, button: string) {
  await app.openPopover('Modes');
  const b = app.button(button);
  if ((await b.getAttribute('aria-pressed')) !== 'true') await b.click();
  await expect(b).toHaveAttribute('aria-pressed', 'true');
  await app.page.keyboard.press('Escape');
}

/** Opens or closes the drawer: the Inspector's toggle on or off, Policies and Matrix off. */
async function setDrawer(app: AppPage, open: boolean) {
  for (const id of ['policies', 'matrix', 'inspector'] as const) {
    const toggle = app.panelToggle(id);
    const want = open && id === 'inspector';
    if (((await toggle.getAttribute('aria-pressed')) === 'true') !== want) await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', String(want));
  }
}

for (const viewport of VIEWPORTS)
  for (const layout of LAYOUTS)
    for (const drawer of [false, true])
      test(`${layout.name} at ${viewport.width}×${viewport.height}, drawer ${drawer ? 'open' : 'closed'}: labels ≥ 11px, none overlapping, none under the packet or a control, at every hop`, async ({
        app,
        page,
      }) => {
        await page.setViewportSize(viewport);
        await page.emulateMedia({ reducedMotion: 'reduce' });
        await app.goto();
        await app.ready();
        await setLayout(app, layout.button);
        await setDrawer(app, drawer);
        for (const name of layout.panels)
          await expect(page.getByRole('figure', { name: `${name} topology` })).toBeVisible();
        await expectToolsAboveDrawing(app, layout.panels);
        await expectClearTopology(page, 11);
        const forward = app.button('Step forward');
        for (let i = 0; i < 30 && !(await forward.isDisabled()); i++) {
          await forward.click();
          await expectClearTopology(page, 11);
        }
      });

test('presenter mode at 1024×768: labels ≥ 16px, none overlapping, none under the packet or a control', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto('/#/present/03-across-nodes/1');
  await expect(page.getByTestId('lesson-step')).toHaveText(/^Step 1 of (\d+)$/);
  const total = Number(
    /of (\d+)/.exec((await page.getByTestId('lesson-step').textContent()) ?? '')![1],
  );
  for (let step = 1; step <= total; step++) {
    await expect(page.getByTestId('lesson-step')).toHaveText(`Step ${step} of ${total}`);
    const figures = page.getByRole('figure', { name: /topology$/ });
    await expect(figures.first()).toBeVisible();
    await expectClearTopology(page, 16);
    await page.keyboard.press('ArrowRight');
  }
});
