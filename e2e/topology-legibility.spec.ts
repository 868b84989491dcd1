import { expect, test } from './fixtures/app';
import { expectLegibleTopology } from './fixtures/topologyLabels';

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
])
  test(`compare view at ${viewport.width}×${viewport.height}: labels ≥ 11px, none overlapping, at every hop`, async ({
    app,
    page,
  }) => {
    await page.setViewportSize(viewport);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await app.goto();
    await app.ready();
    await expectLegibleTopology(page, 11);
    // Zoom buttons live in a tool row outside the drawing.
    const svg = app.calicoPanel.getByRole('figure', { name: 'Calico topology' });
    const zoomIn = app.page.getByRole('button', { name: 'Zoom in on the Calico topology' });
    const s = (await svg.boundingBox())!;
    const z = (await zoomIn.boundingBox())!;
    expect(z.y + z.height).toBeLessThanOrEqual(s.y + 0.5);
    const forward = app.button('Step forward');
    for (let i = 0; i < 30 && !(await forward.isDisabled()); i++) {
      await forward.click();
      await expectLegibleTopology(page, 11);
    }
  });
