import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAccessibility,
  launchConsoleBrowser,
  newConsolePage,
  screenshot,
  signIn,
  type PageProblems,
} from '../support/console-browser';
import { validTaxonomy } from '../support/tarballs';
import { uploadToTestBucket } from '../support/test-bucket';
import { startTestPlatform, type TestPlatform } from '../support/test-platform';

/**
 * The console's jobs pages in Chromium against the real platform with the starter model, nothing faked: a data job
 * created from the form and watched while it generates (its stage and batches moving in the page from the event
 * stream, no reload), then a model trained on it from the data job's page, watched through phase 1, phase 2 and
 * evaluation (the timeline, the loss chart growing, the checkpoints appearing) to completed with its metrics charts.
 * axe on every page, screenshots of each, and the jobs page's time to first render printed.
 */
const STARTER = 'platform/starter-llama';
const run = randomBytes(3).toString('hex');
const USER = `jo_${run}`;

let platform: TestPlatform;
let browser: Browser;
let page: Page;
let problems: PageProblems;
let token: string;
let projectId: string;
let taxonomyId: string;
let dataId: string;

beforeAll(async () => {
  platform = await startTestPlatform({ starterModel: STARTER });
  token = await platform.api.newUser(USER);
  // The user's first project becomes their default, which the console opens in.
  projectId = await platform.api.newProject(token, 'jobs');
  const key = await uploadToTestBucket(`taxonomies/console-jobs-${run}.tar.gz`, await validTaxonomy());
  const taxonomy = await platform.api.request<{ id: string }>('POST', `/v1/projects/${projectId}/taxonomies`, {
    token,
    body: { name: `sun-${run}`, taxonomy_path_cos: key },
  });
  expect(taxonomy.status, JSON.stringify(taxonomy.body)).toBe(201);
  taxonomyId = taxonomy.body.id;
  browser = await launchConsoleBrowser();
  ({ page, problems } = await newConsolePage(browser));
  await signIn(page, platform, { username: USER, password: `${USER}-password` });
}, 300_000);
afterEach(() => {
  // No uncaught error, console error or CSP refusal in the page during the test.
  expect(problems.errors).toEqual([]);
});
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

/** Records every distinct text the elements matching `selector` show together, from now on (no reload in between). */
async function watchTexts(p: Page, name: string, selector: string): Promise<void> {
  await p.evaluate(
    ([key, sel]) => {
      const w = window as unknown as Record<string, string[]>;
      w[key] = [];
      const record = () => {
        const text = [...document.querySelectorAll(sel)].map((e) => e.textContent ?? '').join(' | ');
        if (text && w[key][w[key].length - 1] !== text) w[key].push(text);
      };
      record();
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    },
    [name, selector] as const,
  );
}
const seenTexts = (p: Page, name: string) => p.evaluate((key) => (window as unknown as Record<string, string[]>)[key] ?? [], name);
/** The points the training-loss chart draws (0 before it shows). */
async function lossPoints(p: Page): Promise<number> {
  const chart = p.getByTestId('loss-chart');
  return (await chart.count()) ? Number(await chart.getAttribute('data-points')) : 0;
}
const statusText = async (p: Page) => ((await p.getByTestId('job-status').first().textContent()) ?? '').trim();

describe('the jobs pages', () => {
  it('renders the jobs page and reports its time to first render', async () => {
    // A fresh load of the page (the token stays in the tab's sessionStorage), as a user opening /ui/jobs does.
    await page.goto(`${platform.url}/ui/jobs`);
    await page.getByRole('heading', { name: 'Jobs', exact: true }).waitFor({ timeout: 60_000 });
    await expect.poll(() => page.evaluate(() => performance.getEntriesByName('jobs-loaded').length), { timeout: 60_000 }).toBe(1);
    const marks = await page.evaluate(() => ({
      rendered: performance.getEntriesByName('jobs-rendered')[0]?.startTime,
      loaded: performance.getEntriesByName('jobs-loaded')[0]?.startTime,
      domContentLoaded: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)
        ?.domContentLoadedEventEnd,
    }));
    expect(marks.rendered).toBeGreaterThan(0);
    expect(marks.loaded).toBeGreaterThanOrEqual(marks.rendered as number);
    console.log(
      `console jobs page: first render (jobs-rendered) ${marks.rendered?.toFixed(0)} ms after navigation start, lists shown (jobs-loaded) ` +
        `${marks.loaded?.toFixed(0)} ms, DOMContentLoaded ${marks.domContentLoaded?.toFixed(0)} ms`,
    );
    await expect.poll(() => page.getByText('No data jobs yet').count()).toBe(1);
    await checkAccessibility(page, 'jobs-empty');
    await screenshot(page, 'jobs-empty');
  });

  it('creates a data job from the form and watches it generate live, to completed with samples per leaf', async () => {
    await page.getByRole('button', { name: 'New data job' }).click();
    await page.getByRole('heading', { name: 'New data job' }).waitFor();
    await expect.poll(() => page.locator('#data-job-taxonomy').inputValue(), { timeout: 30_000 }).toBe(taxonomyId);
    // What the API would refuse is shown before anything is sent.
    await page.locator('#data-job-name').fill('bad name!');
    await expect.poll(() => page.getByText('Letters and digits, joined by single').count()).toBe(1);
    await page.locator('#data-job-name').fill(`data-${run}`);
    await page.locator('#data-job-instructions').fill('2');
    await checkAccessibility(page, 'jobs-data-new');
    await screenshot(page, 'jobs-data-new');
    const created = page.waitForResponse((r) => r.url().endsWith(`/v1/projects/${projectId}/data`) && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Generate data' }).click();
    expect((await created).status()).toBe(202);
    await page.waitForURL(/\/ui\/jobs\/data\/[0-9a-f-]{36}$/);
    dataId = page.url().split('/').at(-1) as string;
    await page.getByRole('heading', { name: `Data job data-${run}` }).waitFor();
    await watchTexts(page, 'dataProgress', '[data-testid="data-progress"], [data-testid="job-status"]');
    await watchTexts(page, 'leafBatches', '[data-testid="data-leaf-batches"]');

    // The page opened its event stream and shows the run's stage and batches as they move.
    await expect.poll(() => page.locator('[data-live]').getAttribute('data-live'), { timeout: 30_000 }).toBe('open');
    await expect
      .poll(async () => (await seenTexts(page, 'dataProgress')).some((t) => /\d+ of [1-9]\d* batches/.test(t)), { timeout: 300_000 })
      .toBe(true);
    await checkAccessibility(page, 'jobs-data-running');
    await screenshot(page, 'jobs-data-running');
    await expect.poll(() => statusText(page), { timeout: 420_000 }).toMatch(/^(completed|failed|canceled)/);
    expect(await statusText(page)).toBe('completed');

    const seen = await seenTexts(page, 'dataProgress');
    const batches = seen.map((t) => /(\d+) of (\d+) batches/.exec(t)).filter((m): m is RegExpExecArray => m !== null);
    // More than one progress state reached the page without a reload (the page never polls a data job).
    expect(new Set(batches.map((m) => m[1])).size, seen.join('\n')).toBeGreaterThan(1);
    console.log(
      `console jobs e2e: the data job page showed ${seen.length} states live: ${JSON.stringify(seen.slice(0, 3))} … ${JSON.stringify(seen.at(-1))}`,
    );

    // Each leaf's batches moved live too (from the events' per-leaf progress), both leaves reported.
    const perLeaf = (await seenTexts(page, 'leafBatches')).filter((t) => /^\d+ of \d+ \| \d+ of \d+$/.test(t));
    expect(perLeaf.length, JSON.stringify(await seenTexts(page, 'leafBatches'))).toBeGreaterThan(1);
    console.log(`console jobs e2e: per-leaf batches seen live: ${JSON.stringify(perLeaf)}`);

    const leaves = page.getByTestId('data-leaf-row');
    await expect.poll(() => leaves.count()).toBe(2);
    const knowledge = (await leaves.filter({ hasText: 'knowledge/science/astronomy/sun/qna.yaml' }).textContent()) ?? '';
    expect(knowledge).toMatch(/qna\.yamlknowledge\d+\d+/);
    const api = await platform.api.request<{ data_metrics: { samples: Record<string, number> } }>(
      'GET',
      `/v1/projects/${projectId}/data/${dataId}`,
      {
        token,
      },
    );
    expect(knowledge).toContain(String(api.body.data_metrics.samples['knowledge/science/astronomy/sun/qna.yaml']));
    await checkAccessibility(page, 'jobs-data-completed');
    await screenshot(page, 'jobs-data-completed');

    // The samples browser: the knowledge leaf's samples, a page at a time, as many as the job reports for it.
    const KNOWLEDGE = 'knowledge/science/astronomy/sun/qna.yaml';
    const expected = api.body.data_metrics.samples[KNOWLEDGE];
    await page.locator('#data-samples-leaf').selectOption(KNOWLEDGE);
    const sampleRows = page.getByTestId('data-sample-row');
    await expect.poll(() => sampleRows.count(), { timeout: 30_000 }).toBe(Math.min(10, expected));
    expect(await page.getByTestId('data-samples-range').textContent()).toBe(`Samples 1–${Math.min(10, expected)} of this leaf`);
    let shown = await sampleRows.count();
    while (shown < expected) {
      await page.getByRole('button', { name: 'Next page' }).click();
      await expect.poll(() => page.getByTestId('data-samples-range').textContent()).toMatch(new RegExp(`^Samples ${shown + 1}–`));
      shown += await sampleRows.count();
    }
    expect(shown).toBe(expected);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await checkAccessibility(page, 'jobs-data-samples');
    await screenshot(page, 'jobs-data-samples');
  }, 900_000);

  it('trains a model on it from the data job page and watches the timeline, loss and checkpoints to completed metrics', async () => {
    expect(dataId, 'the data job above completed').toBeDefined();
    await page.getByRole('button', { name: 'Train a model' }).click();
    await page.getByRole('heading', { name: 'New model job' }).waitFor();
    await expect.poll(() => page.locator('#model-job-data').inputValue(), { timeout: 30_000 }).toBe(dataId);
    await page.locator('#model-job-name').fill(`model-${run}`);
    await page.locator('#model-job-phase1').fill('99');
    await expect.poll(() => page.getByText('Between 1 and 50.').count()).toBe(1);
    // Three epochs per phase: each phase lasts long enough on this machine for the page to see it training.
    await page.locator('#model-job-phase1').fill('3');
    await page.locator('#model-job-phase2').fill('3');
    await checkAccessibility(page, 'jobs-model-new');
    await screenshot(page, 'jobs-model-new');
    await page.getByRole('button', { name: 'Train model' }).click();
    await page.waitForURL(/\/ui\/jobs\/models\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: `Model job model-${run}` }).waitFor();
    await watchTexts(page, 'modelStatus', '[data-testid="job-status"]');

    // Training: the page follows the job from queued into its phases (its status tag and timeline change in place).
    await expect.poll(() => statusText(page), { timeout: 300_000 }).toMatch(/running · (knowledge|skills)/);
    await checkAccessibility(page, 'jobs-model-training');
    await screenshot(page, 'jobs-model-training');
    await expect.poll(() => statusText(page), { timeout: 1_200_000 }).toMatch(/^(completed|failed|canceled)/);
    const api = await platform.api.request<{ status: string; failure_reason?: string }>(
      'GET',
      `/v1/projects/${projectId}/models/${page.url().split('/').at(-1)}`,
      { token },
    );
    expect(await statusText(page), api.body.failure_reason).toBe('completed');

    const statuses = await seenTexts(page, 'modelStatus');
    const points = await lossPoints(page);
    console.log(`console jobs e2e: the model job page showed ${JSON.stringify(statuses)} live, ${points} training-loss points drawn`);
    expect(statuses).toEqual(expect.arrayContaining(['running · knowledge', 'running · skills', 'completed']));
    // The loss as the page read it while the job trained (no event carries it: the page polls the job).
    expect(points).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('checkpoint-row').count(), { timeout: 30_000 }).toBe(6);
    const timeline = (await page.getByTestId('model-timeline').textContent()) ?? '';
    expect(timeline).toContain('Phase 1: knowledge');
    expect(timeline.match(/3 epochs saved/g)).toHaveLength(2);
    expect(await page.getByTestId('checkpoint-row').filter({ hasText: '(best)' }).count()).toBe(1);
    const charts = page.getByTestId('metrics-charts');
    await charts.waitFor({ timeout: 60_000 });
    await expect.poll(() => charts.locator('svg').count()).toBeGreaterThan(0);
    expect(await charts.textContent()).toContain('MMLU accuracy per subject');
    await checkAccessibility(page, 'jobs-model-completed');
    await screenshot(page, 'jobs-model-completed');
    // Opened again after the end, the page draws the whole curve from the job's run log (every step, not only the polled
    // ones) and lists its files, the published model among them.
    await page.reload();
    await page.getByRole('heading', { name: `Model job model-${run}` }).waitFor({ timeout: 60_000 });
    await expect.poll(() => lossPoints(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(points);
    await expect
      .poll(
        () =>
          page
            .getByTestId('artifact-row')
            .filter({ hasText: /^model\// })
            .count(),
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0);

    // Back on the list, both jobs show completed.
    await page.goto(`${platform.url}/ui/jobs`);
    await page.getByRole('heading', { name: 'Jobs', exact: true }).waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('data-job-row').filter({ hasText: 'completed' }).count()).toBe(1);
    await page.getByRole('tab', { name: 'Model jobs' }).click();
    await expect.poll(() => page.getByTestId('model-job-row').filter({ hasText: 'completed' }).count()).toBe(1);
    await checkAccessibility(page, 'jobs-list');
    await screenshot(page, 'jobs-list');
    // The same training job as watsonx.ai lists it (/ml/v1/fine_tunings, type ilab), beside any prompt tuning.
    await page.getByRole('tab', { name: 'Tunings' }).click();
    const tuning = page.getByTestId('tuning-row').filter({ hasText: `model-${run}` });
    await expect.poll(() => tuning.textContent(), { timeout: 30_000 }).toMatch(/InstructLab fine tuning\s*completed/);
    await checkAccessibility(page, 'jobs-tunings');
    await screenshot(page, 'jobs-tunings');
  }, 1_500_000);
});
