import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, readFileSync } from 'node:fs';
import { expect, test } from './fixtures/app';

/**
 * Lint (issue 16): a pasted policy with namespaceSelector and podSelector as two items (OR) gets a
 * warning at that line; a Cilium `ingress: [{}]` gets one with the link to the lesson step that
 * teaches it. LINT_SHOTS=dir saves screenshots at 1280×800 and 1024×768.
 */
const SHOTS = process.env.LINT_SHOTS;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
const SEED = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8').trimEnd();
const MISTAKES = `${SEED}\n---\n${readFileSync('e2e/fixtures/lint-mistakes.yaml', 'utf8')}`;
const lineOf = (text: string) => MISTAKES.split('\n').indexOf(text) + 1;
const OR_LINE = lineOf('        - podSelector: {matchLabels: {app: frontend}}');
const EMPTY_LINE = lineOf('  ingress: [{}]');

for (const size of [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
]) {
  test.describe(`lint at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size });

    test('warnings appear at their line, with the lesson link', async ({ app, page }) => {
      test.setTimeout(120_000);
      await app.goto();
      await app.ready();
      await app.panelToggle('policies').click();
      await app.replaceScenario(MISTAKES);
      const editor = page.getByTestId('policy-editor');
      await expect(editor.getByText(/^Problems: 0 errors, \d+ warnings?\.$/)).toBeVisible();
      const orProblem = editor.getByRole('listitem').filter({ hasText: `line ${OR_LINE}:11 —` });
      await expect(orProblem).toContainText('are two peers, ORed');
      const emptyProblem = editor.getByRole('listitem').filter({ hasText: `line ${EMPTY_LINE}:` });
      await expect(emptyProblem).toContainText('allows nothing in Cilium');
      const link = emptyProblem.getByRole('link', {
        name: 'Lesson 7: Selected means default deny',
      });
      await expect(link).toHaveAttribute('href', '#/lessons/07-policy-in-ebpf/10');

      // The marker sits on that line of the editor: going to the problem scrolls to it.
      await orProblem.getByRole('button').click();
      const orLine = editor
        .locator('.cm-line')
        .filter({ hasText: 'podSelector: {matchLabels: {app: frontend}}' });
      await expect(orLine.locator('.cm-lintRange-warning')).toBeVisible();
      await emptyProblem.scrollIntoViewIfNeeded();
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/lint-${size.width}.png` });

      const axe = await new AxeBuilder({ page }).include('[data-testid=policy-editor]').analyze();
      expect(
        axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
      ).toEqual([]);

      // The link and the warnings stay legible in every theme (axe counts contrast).
      const themes = ['System', 'Light', 'Dark', 'Projector'] as const;
      for (let i = 1; i < themes.length; i++) {
        await app.themeToggle(themes[i - 1]!).click();
        const theme = themes[i]!;
        await expect(page.locator('html')).toHaveAttribute('data-theme', theme.toLowerCase());
        const themed = await new AxeBuilder({ page })
          .include('[data-testid=policy-editor]')
          .analyze();
        expect(themed.violations.map((v) => `${theme}: ${v.id}`)).toEqual([]);
        if (SHOTS) await page.screenshot({ path: `${SHOTS}/lint-${size.width}-${theme}.png` });
      }

      await link.click();
      await expect(page).toHaveURL(/#\/lessons\/07-policy-in-ebpf\/10$/);
      await expect(
        page.getByRole('heading', { name: 'Selected means default deny' }),
      ).toBeVisible();
    });
  });
}
