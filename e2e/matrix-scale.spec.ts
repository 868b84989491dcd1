import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import lz from 'lz-string';
import { expect, test } from './fixtures/app';

/**
 * The matrix at scale (issue 15): a generated 320-pod scenario opened from a link streams its
 * matrix from the policy worker with progress and Cancel, then shows it by namespace, with
 * drill-down to workloads and pods.
 */
const SHOTS = process.env.MATRIX_SHOTS; // a folder: also save screenshots to look at

const NAMESPACES = 8;
const PODS = 320;
const APPS = 4;

/** 320 pods in 8 namespaces, 4 apps each; ns-1 denies all ingress; a Cilium-only rule on ns-2. */
function scenario(): string {
  const docs: string[] = [];
  for (let n = 0; n < 4; n++)
    docs.push(
      `apiVersion: v1\nkind: Node\nmetadata: {name: node-${n}}\nspec: {podCIDR: 10.${100 + n}.0.0/16}\nstatus: {addresses: [{type: InternalIP, address: 192.168.0.${10 + n}}]}`,
    );
  for (let n = 0; n < NAMESPACES; n++)
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ns-${n}}`);
  for (let p = 0; p < PODS; p++) {
    const node = p % 4;
    docs.push(
      `apiVersion: v1\nkind: Pod\nmetadata: {name: pod-${p}, namespace: ns-${p % NAMESPACES}, labels: {app: app-${Math.floor(p / NAMESPACES) % APPS}}}\nspec: {nodeName: node-${node}, containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}\nstatus: {podIP: 10.${100 + node}.${Math.floor(p / 250)}.${(p % 250) + 2}}`,
    );
  }
  docs.push(
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-all, namespace: ns-1}\nspec: {podSelector: {}, policyTypes: [Ingress]}',
    'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: only-app-0, namespace: ns-2}\nspec: {endpointSelector: {}, ingress: [{fromEndpoints: [{matchLabels: {app: app-0, k8s:io.kubernetes.pod.namespace: ns-0}}]}]}',
  );
  return docs.join('\n---\n');
}

/** A link to the scenario with the Matrix panel open (the `yaml` parameter of store/viewState.ts). */
const link = () =>
  `/#/walk?${new URLSearchParams({ panels: 'matrix', yaml: lz.compressToEncodedURIComponent(scenario()) })}`;

test.describe('Matrix at scale', () => {
  test.setTimeout(300_000);

  test('streams with progress, cancels, completes by namespace and drills down to pods', async ({
    app,
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    // Cancel at the first progress the page shows, from inside the page: on a quiet machine the
    // whole matrix takes ~1.3 s, and a click from the test (its round trips, the button's
    // actionability checks) let it finish first, the button gone and the click left waiting.
    await page.addInitScript(() => {
      const seen = { progress: false, status: '' };
      (window as unknown as { __cancelled: typeof seen }).__cancelled = seen;
      const observer = new MutationObserver(() => {
        const button = [...document.querySelectorAll('button')].find(
          (b) => b.textContent === 'Cancel matrix',
        );
        const status = button?.parentElement?.querySelector('[role=status]')?.textContent ?? '';
        if (!button || !/Computing the matrix in the policy worker: \d+%/.test(status)) return;
        observer.disconnect();
        seen.progress = !!document.querySelector('progress[aria-label="Matrix progress"]');
        seen.status = status;
        button.click();
      });
      document.addEventListener('DOMContentLoaded', () =>
        observer.observe(document.body, { childList: true, subtree: true, characterData: true }),
      );
    });
    await app.goto(link());
    const progress = page.getByRole('progressbar', { name: 'Matrix progress' });
    await expect(page.getByText(/^Cancelled at \d+%/)).toBeVisible({ timeout: 60_000 });
    // It streamed with progress before the cancel.
    const seen = await page.evaluate(
      () =>
        (window as unknown as { __cancelled: { progress: boolean; status: string } }).__cancelled,
    );
    expect(seen.progress).toBe(true);
    expect(seen.status).toMatch(/: \d+%/);
    await expect(progress).toHaveCount(0);
    await app.button('Compute again').click();
    await expect(page.getByText(/probes by both models in [\d.]+ s/)).toBeVisible({
      timeout: 240_000,
    });

    // By namespace: 8 × 8 group cells (one grid per CNI).
    const calico = page.getByRole('region', { name: 'Calico connectivity by namespace' });
    const grid = calico.getByRole('grid');
    await expect(grid.getByRole('columnheader', { name: 'ns-1', exact: true })).toBeVisible();
    const intoDenied = grid.getByRole('gridcell', { name: /^ns-0 → ns-1: / });
    // 40 × 40 probes into the deny-all namespace, all denied; the label says the counts in words.
    await expect(intoDenied).toHaveAccessibleName(
      'ns-0 → ns-1: 1,600 probes: 0 allowed, 1,600 denied',
    );
    await expect(intoDenied).toHaveText(/✗1,600/);
    // The Cilium-only rule: the CNIs differ into ns-2, and the cell says by how many.
    const intoCilium = grid.getByRole('gridcell', { name: /^ns-0 → ns-2: / });
    await expect(intoCilium).toHaveAccessibleName(/where Calico and Cilium differ/);
    await expect(intoCilium).toHaveText(/≠/);

    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/matrix-scale-1280.png` });
      await page.setViewportSize({ width: 1024, height: 768 });
      await page.screenshot({ path: `${SHOTS}/matrix-scale-1024.png` });
      await page.setViewportSize({ width: 1280, height: 800 });
    }

    // Keyboard: the grid is one tab stop; arrows move, Enter opens the workloads of two namespaces.
    const first = grid.getByRole('gridcell', { name: /^ns-0 → ns-0: / });
    await first.focus();
    // End reaches the last column, which the virtualised grid renders once scrolled to.
    await page.keyboard.press('End');
    await expect(grid.getByRole('gridcell', { name: /^ns-0 → ns-7: / })).toBeFocused();
    await page.keyboard.press('Home');
    await expect(first).toBeFocused();
    await page.keyboard.press('ArrowRight');
    await expect(intoDenied).toBeFocused();
    await page.keyboard.press('ArrowRight');
    await expect(intoCilium).toBeFocused();
    await page.keyboard.press('Enter');
    const workloads = page.getByRole('region', { name: 'Calico connectivity by workload' });
    await expect(workloads.getByRole('navigation')).toContainText('ns-0 → ns-2');
    await expect(workloads.getByRole('columnheader', { name: 'app-3', exact: true })).toBeVisible();
    // A workload cell opens its pods; a pod cell its ports, with Explain and Walk.
    await workloads.getByRole('gridcell', { name: /^ns-0\/app-0 → ns-2\/app-0: / }).click();
    const pods = page.getByRole('region', { name: 'Calico connectivity by pod' });
    await expect(pods.getByRole('rowheader', { name: 'pod-0', exact: true })).toBeVisible();
    await pods.getByRole('gridcell', { name: /^ns-0\/pod-0 → ns-2\/pod-2: / }).click();
    await pods.getByRole('button', { name: 'Explain 8080/TCP' }).click();
    await expect(pods.locator('.smx-explanation')).toContainText(/Allowed|Denied/);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/matrix-scale-pods-1280.png` });
    // Back up to the namespaces with the breadcrumb.
    await pods.getByRole('button', { name: 'All namespaces' }).click();
    await expect(calico).toBeVisible();

    for (const theme of ['Light', 'Dark', 'Projector']) {
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations.filter(
        (v) => v.impact === 'serious' || v.impact === 'critical',
      );
      expect(
        bad.map((v) => `${theme}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      ).toEqual([]);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/matrix-scale-${await app.theme()}.png` });
      await page.getByRole('button', { name: /^Theme: / }).click();
    }
  });
});
