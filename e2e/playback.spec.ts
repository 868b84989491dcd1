import { expect, test } from './fixtures/app';

/** One observed change of the hop counters, stamped in the page (performance.now(), ms). */
interface Sample {
  t: number;
  calico: string;
  cilium: string;
  pause: boolean;
}

declare global {
  interface Window {
    __hopLog?: Sample[];
  }
}

const hopNumber = (text: string): number => Number(/^(\d+) of /.exec(text)?.[1] ?? NaN);

test.describe('playback (the timeline)', () => {
  test('Play at the end replays from the start, and the speed sets the pace', async ({ app }) => {
    await app.goto();
    await app.ready();
    const calicoHops = await app.total('calico');
    const ciliumHops = await app.total('cilium');
    const hops = Math.max(calicoHops, ciliumHops);
    const longer = calicoHops >= ciliumHops ? 'calico' : 'cilium';
    // At speed 1 a hop lasts 1.2 s: the whole walk would take well over the bound checked below.
    expect(hops * 1.2).toBeGreaterThan(10);
    await app.page.getByLabel('Speed').fill('4');
    await app.stepToEnd();
    await expect(app.stage('calico')).toHaveAttribute('data-stage', 'delivered');
    await expect(app.button('Play')).toBeEnabled();

    // The page records every change of the counters with its own clock, so what is checked below is
    // the timeline itself, not how quickly this test process happens to look (a 4× hop lasts 0.3 s).
    await app.page.evaluate(() => {
      const log: Sample[] = [];
      window.__hopLog = log;
      const read = (cni: string) =>
        document.querySelector(`[data-testid="${cni}-hop"]`)?.textContent ?? '';
      const sample = () => {
        const s = {
          t: performance.now(),
          calico: read('calico'),
          cilium: read('cilium'),
          pause: [...document.querySelectorAll('button')].some(
            (b) => b.textContent?.trim() === 'Pause',
          ),
        };
        const last = log[log.length - 1];
        if (!last || last.calico !== s.calico || last.cilium !== s.cilium || last.pause !== s.pause)
          log.push(s);
      };
      sample();
      new MutationObserver(sample).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    });
    await app.button('Play').click();
    // At 4× the walk plays to its end and stops by itself.
    await expect(app.button('Play')).toBeVisible({ timeout: 8000 });
    await expect(app.stage('calico')).toHaveAttribute('data-stage', 'delivered');
    await expect(app.stage('cilium')).toHaveAttribute('data-stage', 'delivered');
    expect(app.page.url()).toContain(`step=${hops - 1}`);

    const log = await app.page.evaluate(() => window.__hopLog ?? []);
    // Before Play: both at their last hop.
    expect(hopNumber(log[0]![longer])).toBe(hops);
    const played = log.slice(1);
    const seen = played.map((s) => hopNumber(s[longer]));
    // Play at the end went back to the first hop, then climbed hop by hop to the last. (The first
    // render after Play shows hop 1; only a page stalled past a whole 0.3 s tick could first show 2.)
    expect(seen[0], `counters after Play: ${seen.join(',')}`).toBeLessThanOrEqual(2);
    expect(seen.at(-1)).toBe(hops);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(new Set(seen).size, `counters after Play: ${seen.join(',')}`).toBeGreaterThan(hops / 2);
    // It was playing (Pause offered) on the way, and stopped (Play back) at the end.
    expect(played.some((s) => s.pause && hopNumber(s[longer]) < hops)).toBe(true);
    expect(played.at(-1)!.pause).toBe(false);
    // The pace: from the first hop to the last took (hops − 1) ticks of 1.2 s / 4 = 0.3 s. A timer
    // never fires early; the upper bound is far below what speed 1 would take ((hops − 1) × 1.2 s).
    const ticks = hops - seen[0]!;
    const start = played[0]!.t;
    const end = played.find((s) => hopNumber(s[longer]) === hops)!.t;
    expect(end - start).toBeGreaterThan(ticks * 300 * 0.9);
    expect(end - start).toBeLessThan(ticks * 1200 * 0.6);
  });
});
