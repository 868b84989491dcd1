import { expect, test } from './fixtures/app';

test.describe('playback (the timeline)', () => {
  test('Play at the end replays from the start, and the speed sets the pace', async ({ app }) => {
    await app.goto();
    await app.ready();
    const hops = Math.max(await app.total('calico'), await app.total('cilium'));
    // At speed 1 a hop lasts 1.2 s: the whole walk would take well over the 8 s allowed below.
    expect(hops * 1.2).toBeGreaterThan(10);
    await app.page.getByLabel('Speed').fill('4');
    await app.stepToEnd();
    await expect(app.stage('calico')).toHaveAttribute('data-stage', 'delivered');
    await expect(app.button('Play')).toBeEnabled();
    await app.button('Play').click();
    await expect(app.hop('calico')).toHaveText(/^[12] of /);
    await expect(app.button('Pause')).toBeVisible();
    // At 4× the walk plays to its end and stops by itself.
    await expect(app.button('Play')).toBeVisible({ timeout: 8000 });
    await expect(app.stage('calico')).toHaveAttribute('data-stage', 'delivered');
    await expect(app.stage('cilium')).toHaveAttribute('data-stage', 'delivered');
    expect(app.page.url()).toContain(`step=${hops - 1}`);
  });
});
