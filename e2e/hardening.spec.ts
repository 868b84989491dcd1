import { readFileSync } from 'node:fs';
import LZString from 'lz-string';
import { expect, test } from './fixtures/app';

/** Issue 13: the browser half of hardening, run against the production build under its CSP. */
const SEED = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');

/** The app's own link for its current view, with some of its parameters set (yaml: the text). */
function link(current: string, params: Record<string, string>): string {
  const hash = new URL(current).hash;
  const query = new URLSearchParams(hash.slice(hash.indexOf('?') + 1));
  for (const [k, v] of Object.entries(params))
    query.set(k, k === 'yaml' ? LZString.compressToEncodedURIComponent(v) : v);
  return `/#/walk?${query.toString()}`;
}

test.describe('hardening', () => {
  test('the built app runs under its Content-Security-Policy without a violation', async ({
    app,
    page,
  }) => {
    await page.addInitScript(() => {
      const w = window as unknown as { cspViolations: string[] };
      w.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    await app.goto();
    const csp = await page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .getAttribute('content');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("worker-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    await app.ready();
    await expect(app.engineStatus).toHaveAttribute('data-engine-mode', 'worker');
    // The editor (CodeMirror's styles) and lesson prose (sanitised Markdown) under the policy.
    await app.panelToggle('policies').click();
    await expect(app.editor()).toBeVisible();
    await page.goto('/#/lessons/01-two-philosophies/0');
    await expect(page.locator('.markdown').first()).toBeVisible();
    expect(
      await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
    ).toEqual([]);
  });

  test('a worker that dies silently is detected and restarted, and the edit made meanwhile applies', async ({
    app,
    page,
  }) => {
    await app.goto();
    await app.ready();
    await expect(app.engineStatus).toContainText('5 pods');
    const [worker] = page.workers();
    expect(worker).toBeDefined();
    // No error event, no message: the worker is simply gone.
    await worker!.evaluate(() => (self as unknown as { close(): void }).close());
    await app.panelToggle('policies').click();
    const withoutDebug = SEED.split(/^---$/m)
      .filter((doc) => !/name: debug\b/.test(doc))
      .join('---');
    await app.replaceScenario(withoutDebug);
    await expect(app.engineStatus).toContainText(
      /stopped responding.*restarted it and reloaded your last good scenario/,
      { timeout: 20_000 },
    );
    await expect(app.engineStatus).toContainText('4 pods', { timeout: 10_000 });
    await expect(app.engineStatus).toHaveAttribute('data-engine-mode', 'worker');
    await app.ready();
  });

  test('a 5 MB paste is kept across a reload', async ({ app, page }) => {
    // Generous bounds: this checks that nothing typed is lost, not how fast 5 MB reloads (a busy
    // 2-core machine took over 30 s to show the first walk after the reload).
    test.setTimeout(240_000);
    await app.goto();
    await app.ready();
    await app.panelToggle('policies').click();
    const filler = '# pasted filler line, kept as the user typed it\n'.repeat(110_000);
    const text = `# big-paste-marker\n${SEED}\n${filler}`;
    expect(text.length).toBeGreaterThan(5 * 1024 * 1024);
    // A real paste (a paste event carrying the text), as a user's Ctrl+V delivers it.
    await app.editor().click();
    await page.keyboard.press('ControlOrMeta+a');
    await app.editor().evaluate((el, pasted) => {
      const data = new DataTransfer();
      data.setData('text/plain', pasted);
      el.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    }, text);
    await expect(page.getByText('Edited (kept in this browser)')).toBeVisible();
    const storedLength = () =>
      page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const open = indexedDB.open('packetwalk');
            open.onsuccess = () => {
              const get = open.result
                .transaction('edits', 'readonly')
                .objectStore('edits')
                .get('packetwalk.edits.seed-policies');
              get.onsuccess = () => resolve(String(get.result ?? '').length);
              get.onerror = () => resolve(-1);
            };
            open.onerror = () => resolve(-1);
          }),
      );
    await expect.poll(storedLength, { timeout: 20_000 }).toBe(text.length);
    // A reload without the edit in the link: the text comes back from IndexedDB.
    await page.goto('/');
    await expect(app.hop('calico')).toHaveText(/^1 of \d+$/, { timeout: 90_000 });
    await app.panelToggle('policies').click();
    await expect(page.getByText('Edited (kept in this browser)')).toBeVisible();
    await app.editor().press('ControlOrMeta+Home');
    await expect(app.editor()).toContainText('# big-paste-marker');
    await expect(page.getByRole('alert')).toHaveCount(0);
  });

  test('a link that carries its own edit does not destroy the saved edit', async ({
    app,
    page,
  }) => {
    await app.goto();
    await app.ready();
    await app.panelToggle('policies').click();
    await app.replaceScenario(`# my-own-edit\n${SEED}`);
    await expect(page.getByText('Edited (kept in this browser)')).toBeVisible();
    await page.waitForTimeout(500);
    await page.goto(link(page.url(), { yaml: `# from-a-link\n${SEED}`, panels: 'policies' }));
    await expect(page.getByRole('alert')).toContainText(/separate draft.*saved edit .* is kept/);
    await app.editor().press('ControlOrMeta+Home');
    await expect(app.editor()).toContainText('# from-a-link');
    await app.button('Reset scenario').click();
    await app.button('Discard edits').click();
    await app.editor().press('ControlOrMeta+Home');
    await expect(app.editor()).toContainText('# my-own-edit');
    // And it is still the saved edit after a reload.
    await page.goto('/');
    await app.ready();
    await app.panelToggle('policies').click();
    await app.editor().press('ControlOrMeta+Home');
    await expect(app.editor()).toContainText('# my-own-edit');
  });

  test('a link with a hostile HTTP rule regex shows a clear error and the app keeps working', async ({
    app,
    page,
  }) => {
    // (a+)+ against thirty a's and a '!' hung JavaScript's backtracking RegExp; RE2 is linear.
    const hostile = SEED.replace('path: "/api/v1/.*"', 'path: "/(a+)+"');
    expect(hostile).not.toBe(SEED);
    await app.goto();
    await app.ready();
    await page.goto(
      link(page.url(), {
        yaml: hostile,
        from: 'shop/frontend',
        to: 'shop/api',
        port: '8080',
        proto: 'TCP',
        http: `GET:/${'a'.repeat(30)}!`,
        panels: 'policies',
      }),
    );
    await expect(app.title).toBeVisible();
    await expect(app.hop('cilium')).toHaveText(/^\d+ of \d+$/, { timeout: 10_000 });
    // A backreference is not RE2: a load error at the rule, and the last good scenario keeps running.
    await app.replaceScenario(hostile.replace('path: "/(a+)+"', 'path: "/(a)\\\\1"'));
    await expect(page.locator('.policies-status')).toContainText(/1 error/);
    await expect(app.hop('cilium')).toHaveText(/^\d+ of \d+$/);
    await app.replaceScenario(SEED);
    await expect(page.locator('.policies-status')).not.toContainText(/error/);
    await app.ready();
  });
});
