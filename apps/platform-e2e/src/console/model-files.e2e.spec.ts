import { readFileSync } from 'node:fs';
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
import { insertDataRun } from '../support/data-run';
import { startTestPlatform, type TestPlatform } from '../support/test-platform';

/**
 * A model job opened only after it ended (nothing polled while it trained): the page draws its whole loss curve from
 * `GET …/models/{id}/loss` and lists its files from `GET …/models/{id}/artifacts`, each a link that downloads the file
 * with the session's token. The job trains for real on the built-in trainer (1 + 1 epochs); this platform serves no
 * model, so its evaluation cannot judge it and it ends failed, with every checkpoint and its run log kept.
 */
const run = randomBytes(3).toString('hex');
const USER = `mf_${run}`;

let platform: TestPlatform;
let browser: Browser;
let page: Page;
let problems: PageProblems;
let token: string;
let projectId: string;
let modelId: string;

const get = <T>(path: string) => platform.api.request<T>('GET', path, { token });

beforeAll(async () => {
  platform = await startTestPlatform();
  token = await platform.api.newUser(USER);
  projectId = await platform.api.newProject(token, 'model-files');
  const created = await platform.api.request<{ id: string }>('POST', `/v1/projects/${projectId}/models`, {
    token,
    body: {
      name: `files-${run}`,
      data_id: await insertDataRun(platform, projectId),
      hyperparameters: { phase1_num_epochs: 1, phase2_num_epochs: 1, batch_size: 4 },
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  modelId = created.body.id;
  const deadline = Date.now() + 600_000;
  for (;;) {
    const job = await get<{ status: string }>(`/v1/projects/${projectId}/models/${modelId}`);
    if (['completed', 'failed', 'canceled'].includes(job.body.status)) break;
    if (Date.now() > deadline) throw new Error(`the model job is still ${job.body.status}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  browser = await launchConsoleBrowser();
  ({ page, problems } = await newConsolePage(browser));
  await signIn(page, platform, { username: USER, password: `${USER}-password` });
}, 900_000);
afterEach(() => expect(problems.errors).toEqual([]));
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

describe('a finished model job in the console', () => {
  it('draws its loss curve from the run log and downloads its files', async () => {
    const loss = await get<{ points: unknown[]; total_steps: number }>(`/v1/projects/${projectId}/models/${modelId}/loss`);
    expect(loss.body.total_steps).toBeGreaterThan(0);

    await page.goto(`${platform.url}/ui/jobs/models/${modelId}`);
    await page.getByRole('heading', { name: `Model job files-${run}` }).waitFor({ timeout: 60_000 });
    const chart = page.getByTestId('loss-chart');
    await chart.waitFor({ timeout: 60_000 });
    expect(Number(await chart.getAttribute('data-points'))).toBe(loss.body.points.length);
    await expect.poll(() => chart.locator('svg path').count(), { timeout: 30_000 }).toBeGreaterThan(0);

    const rows = page.getByTestId('artifact-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(2);
    const texts = await rows.allTextContents();
    for (const file of ['artifacts/phase1/epoch-1/', 'artifacts/phase2/epoch-1/', 'logs/train-attempt-1.log', 'logs/system-attempt-1.json'])
      expect(
        texts.some((t) => t.includes(file)),
        file,
      ).toBe(true);
    await checkAccessibility(page, 'jobs-model-files');
    await screenshot(page, 'jobs-model-files');

    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByRole('link', { name: 'Download logs/train-attempt-1.log' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('train-attempt-1.log');
    const saved = readFileSync((await download.path()) as string, 'utf8');
    const direct = await get<string>(`/v1/projects/${projectId}/models/${modelId}/artifacts/logs/train-attempt-1.log`);
    expect(direct.status).toBe(200);
    expect(saved).toBe(direct.body);
    expect(saved.split('\n').filter((l) => l.includes('"loss"'))).toHaveLength(loss.body.total_steps);
  }, 300_000);
});
