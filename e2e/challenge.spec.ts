import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { DEFAULT_CALICO_CONFIG, DEFAULT_CILIUM_CONFIG } from '../src/datapath/config';
import { walk } from '../src/datapath/walk';
import type { Cni } from '../src/engine/model';
import { loadManifests } from '../src/engine/parse/load';
import { createEngine } from '../src/engine/verdict';
import { challengeAnswer, drawChallenge, type ChallengeAnswer } from '../src/lessons/challenge';
import { expect, test } from './fixtures/app';

const CNIS = ['calico', 'cilium'] as const;

/**
 * The challenge as the models give it, computed here in Node from the same scenario file: the
 * packet of the seed and, per CNI, the verdict and the deciding hop (default modes, compare).
 */
function modelAnswers(seed: number) {
  const text = readFileSync('lessons/scenarios/seed-policies.yaml', 'utf8');
  const engine = createEngine(loadManifests([{ name: 'seed-policies', text }]).cluster);
  const challenge = drawChallenge(engine.cluster, seed, { layout: 'compare' });
  const answers = {
    calico: challengeAnswer(
      walk(engine, { cni: 'calico', calico: DEFAULT_CALICO_CONFIG }, challenge.packet),
    ),
    cilium: challengeAnswer(
      walk(engine, { cni: 'cilium', cilium: DEFAULT_CILIUM_CONFIG }, challenge.packet),
    ),
  } satisfies Record<Cni, ChallengeAnswer>;
  return { challenge, answers };
}

const part = (page: Page, cni: Cni) => page.locator(`fieldset.challenge-cni[data-cni="${cni}"]`);
const hopRadios = (page: Page, cni: Cni) => part(page, cni).locator('input[name$="-hop"]');
const verdictRadio = (page: Page, cni: Cni, verdict: string) =>
  part(page, cni).locator(`input[name$="-verdict"][value="${verdict}"]`);

async function predict(page: Page, cni: Cni, verdict: string, hopKey: string) {
  await verdictRadio(page, cni, verdict).check();
  await part(page, cni).locator(`input[name$="-hop"][value="${hopKey}"]`).check();
}

async function noSeriousViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${what}: ${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)).toEqual(
    [],
  );
}

test('a challenge answered wrong then right: each part graded by the models, the score changes', async ({
  app,
  page,
}) => {
  test.setTimeout(150_000);
  const { challenge, answers } = modelAnswers(17);
  await app.goto('/#/challenge/17?scenario=seed-policies&layout=compare');
  await expect(page.getByRole('heading', { name: 'Challenge 17' })).toBeVisible();
  const packet = page.getByTestId('challenge-packet');
  await expect(packet).toContainText(challenge.packet.from);
  await expect(packet).toContainText(challenge.packet.to.replace(/^(pod|svc|ip):/, ''));
  await expect(packet).not.toContainText('pod:');
  await expect(packet).toContainText(`:${challenge.packet.port}/${challenge.packet.protocol}`);
  await expect(page.getByTestId('challenge-score')).toContainText('Your score: 0 of 0');
  // Before the check the walk is not on screen: no topology, no answer.
  await expect(app.calicoPanel).toHaveCount(0);
  for (const cni of CNIS) {
    const keys = await hopRadios(page, cni).evaluateAll((els) =>
      els.map((e) => (e as HTMLInputElement).value),
    );
    expect(keys).toContain(answers[cni].hop!.key);
  }
  await noSeriousViolations(page, 'before the check');

  // Wrong on every part: the other verdict, and a hop that is not the deciding one.
  for (const cni of CNIS) {
    const keys = await hopRadios(page, cni).evaluateAll((els) =>
      els.map((e) => (e as HTMLInputElement).value),
    );
    const wrongHop = keys.find((k) => k !== answers[cni].hop!.key)!;
    await predict(
      page,
      cni,
      answers[cni].verdict === 'delivered' ? 'dropped' : 'delivered',
      wrongHop,
    );
  }
  await page.getByRole('button', { name: 'Check my prediction' }).click();
  await expect(page.locator('.challenge-result')).toHaveText('0 of 4 right.');
  await expect(page.getByTestId('challenge-score')).toContainText(
    'Your score: 0 of 1 checks fully right · this challenge: 0 of 4',
  );
  // The reveal: the walk on screen, standing at Calico's deciding hop; the walk lists mark it.
  await expect(app.calicoPanel).toBeVisible();
  await expect(app.hop('calico')).toHaveText(
    new RegExp(`^${answers.calico.hopIndex + 1} of \\d+$`),
  );
  for (const cni of CNIS) {
    const deciding = part(page, cni).locator('.challenge-walk li.deciding');
    await expect(deciding).toHaveCount(1);
    await expect(deciding).toContainText(answers[cni].hop!.table);
    await expect(deciding).toContainText('decided here');
    await expect(part(page, cni).locator('.challenge-choice.answer')).toHaveCount(2);
    await expect(part(page, cni).locator('.challenge-mark.wrong')).toHaveCount(2);
  }
  await noSeriousViolations(page, 'after the check');

  await page.getByRole('button', { name: 'Try again' }).click();
  for (const cni of CNIS) await predict(page, cni, answers[cni].verdict, answers[cni].hop!.key);
  await page.getByRole('button', { name: 'Check my prediction' }).click();
  await expect(page.locator('.challenge-result')).toHaveText('4 of 4 right: every part!');
  await expect(page.getByTestId('challenge-score')).toContainText(
    'Your score: 1 of 2 checks fully right · this challenge: 4 of 4',
  );
  // The score is kept in the progress: it survives a reload.
  await page.reload();
  await expect(page.getByTestId('challenge-score')).toContainText(
    'Your score: 1 of 2 checks fully right · this challenge: 4 of 4',
  );

  await page.getByRole('button', { name: 'Next challenge' }).click();
  await expect(page.getByRole('heading', { name: 'Challenge 18' })).toBeVisible();
  expect(page.url()).toMatch(/#\/challenge\/18\?scenario=seed-policies&/);
  await expect(page.getByTestId('challenge-packet')).toContainText(
    modelAnswers(18).challenge.packet.from,
  );
});

test('a challenge link opens the same challenge in a fresh page, modes and all', async ({
  app,
  page,
  browser,
}) => {
  await app.goto('/#/walk?scenario=seed-policies&cilium=routing:native&layout=compare');
  await app.ready();
  await page
    .getByRole('navigation', { name: 'Pages' })
    .getByRole('button', { name: 'Challenge' })
    .click();
  await expect(page.getByRole('heading', { name: /^Challenge \d+$/ })).toBeVisible();
  await expect(page.getByTestId('challenge-quiz')).toBeVisible();
  const link = page.url();
  expect(link).toMatch(
    /#\/challenge\/\d+\?scenario=seed-policies&calico=.*&cilium=[^&]*routing:native/,
  );
  const seed = Number(/challenge\/(\d+)/.exec(link)![1]);
  const shown = async (p: Page) => ({
    heading: await p.getByRole('heading', { name: /^Challenge \d+$/ }).textContent(),
    packet: await p.getByTestId('challenge-packet').textContent(),
    choices: await p
      .locator('.challenge-quiz input[type=radio]')
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
  });
  const here = await shown(page);
  expect(here.heading).toBe(`Challenge ${seed}`);
  expect(here.packet).toContain(modelAnswers(seed).challenge.packet.from);

  const context = await browser.newContext();
  try {
    const fresh = await context.newPage();
    await fresh.goto(link);
    await expect(fresh.getByTestId('challenge-quiz')).toBeVisible();
    expect(await shown(fresh)).toEqual(here);
    expect(fresh.url()).toBe(link);
  } finally {
    await context.close();
  }
});

for (const size of [
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
]) {
  for (const theme of ['light', 'projector'] as const) {
    test(`challenge page at ${size.width}×${size.height} (${theme}): large choices, the reveal marks the deciding hop`, async ({
      app,
      page,
    }, testInfo) => {
      const { answers } = modelAnswers(17);
      await page.setViewportSize(size);
      await page.addInitScript((t) => window.localStorage.setItem('packetwalk.theme', t), theme);
      await app.goto('/#/challenge/17?scenario=seed-policies&layout=compare');
      await expect(page.getByTestId('challenge-quiz')).toBeVisible();
      // Every choice is a large target with readable type.
      for (const label of await page.locator('.challenge-choice').all()) {
        const box = (await label.boundingBox())!;
        expect(box.height).toBeGreaterThanOrEqual(40);
        const px = await label.evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
        expect(px).toBeGreaterThanOrEqual(16);
      }
      await page.screenshot({ path: testInfo.outputPath(`challenge-${size.width}-${theme}.png`) });
      for (const cni of CNIS) await predict(page, cni, answers[cni].verdict, answers[cni].hop!.key);
      await page.getByRole('button', { name: 'Check my prediction' }).click();
      await expect(page.locator('.challenge-result')).toHaveText('4 of 4 right: every part!');
      await expect(page.locator('.challenge-walk li.deciding').first()).toBeVisible();
      await page.screenshot({
        path: testInfo.outputPath(`challenge-${size.width}-${theme}-revealed.png`),
      });
      if (theme === 'projector') await noSeriousViolations(page, `${theme} ${size.width}`);
    });
  }
}
