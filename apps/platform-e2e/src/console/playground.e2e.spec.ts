import { randomBytes } from 'node:crypto';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAccessibility,
  launchConsoleBrowser,
  newConsolePage,
  screenshot,
  signIn,
  type PageProblems,
} from '../support/console-browser';
import { startTestPlatform, type TestPlatform } from '../support/test-platform';

/**
 * The console's playground and deployments pages in Chromium against the real platform with the starter model: a
 * chat streamed into the page event by event with the token counts the API reported, a free-form generation, the
 * chat saved as a prompt template (found through the API as a chat template), that template deployed from the
 * deployments page (a serving name the API would refuse shown before anything is sent, a taken one as the API's 409
 * says), listed ready with its inference URLs, and deleted. axe on every page; screenshots of each.
 */
const STARTER = 'platform/starter-llama';
const VERSION = '2024-05-31';
const run = randomBytes(3).toString('hex');
const USER = `pia_${run}`;
const TEMPLATE = `greeter-${run}`;
const SERVING = `greet_${run}`;

let platform: TestPlatform;
let browser: Browser;
let page: Page;
let problems: PageProblems;
let token: string;
let projectId: string;

beforeAll(async () => {
  platform = await startTestPlatform({ starterModel: STARTER });
  token = await platform.api.newUser(USER);
  projectId = await platform.api.newProject(token, 'playground');
  browser = await launchConsoleBrowser();
  // The taken serving name's check is a 409 the browser logs as a failed load, on purpose.
  ({ page, problems } = await newConsolePage(browser, [/status of 409/]));
  await signIn(page, platform, { username: USER, password: `${USER}-password` });
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

/** Records every distinct text an element shows while it exists, with when (a stream rendered piece by piece shows several). */
async function watchTexts(p: Page, selector: string): Promise<void> {
  await p.evaluate((sel) => {
    const w = window as unknown as { __texts: { at: number; text: string }[] };
    w.__texts = [];
    new MutationObserver(() => {
      const text = document.querySelector(sel)?.textContent ?? '';
      if (text && w.__texts[w.__texts.length - 1]?.text !== text) w.__texts.push({ at: performance.now(), text });
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, selector);
}
const seenTexts = (p: Page) => p.evaluate(() => (window as unknown as { __texts: { at: number; text: string }[] }).__texts);

/**
 * Caps the page's download rate (Chromium's own network throttling; undefined lifts it). On a loaded machine the
 * platform can relay a short stream in one burst, which the page would then render in one step: read at a capped
 * rate, the same bytes still reach the page over time, so the spec sees whether the page renders them as they come.
 * The cap lasts only while the DevTools session that set it is attached, so that session stays open until lifted.
 */
const capSessions = new WeakMap<Page, CDPSession>();
async function capDownload(p: Page, bytesPerSecond: number | undefined): Promise<void> {
  let cdp = capSessions.get(p);
  if (!cdp) {
    cdp = await p.context().newCDPSession(p);
    await cdp.send('Network.enable');
    capSessions.set(p, cdp);
  }
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: bytesPerSecond ?? -1,
    uploadThroughput: -1,
  });
  if (bytesPerSecond === undefined) {
    capSessions.delete(p);
    await cdp.detach();
  }
}

/** When (page time) the last response whose URL holds `part` ended: its last byte received. */
const responseEnd = (p: Page, part: string) =>
  p.evaluate(
    (x) =>
      (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => e.name.includes(x)).at(-1)?.responseEnd ?? 0,
    part,
  );

/** Waits for an opening Carbon modal to end its fade-in (axe would read its colours half transparent). */
const modalShown = (p: Page) =>
  p.waitForFunction(() => {
    const modal = document.querySelector('.cds--modal.is-visible');
    return modal !== null && getComputedStyle(modal).opacity === '1';
  });

/** The token counts the page shows once the stream ended (no longer busy); an error shown instead fails at once. */
async function tokenCounts(p: Page): Promise<{ input: number; output: number }> {
  const counts = p.getByTestId('token-counts');
  await expect
    .poll(
      async () => {
        const alert = p.locator('.error-notice');
        if (await alert.count()) throw new Error(`the page shows an error: ${await alert.first().textContent()}`);
        return (await counts.getAttribute('aria-busy')) === 'false' && /Output tokens: \d+/.test((await counts.textContent()) ?? '');
      },
      { timeout: 120_000 },
    )
    .toBe(true);
  const text = (await counts.textContent()) ?? '';
  return { input: Number(/Input tokens: (\d+)/.exec(text)?.[1]), output: Number(/Output tokens: (\d+)/.exec(text)?.[1]) };
}

describe('the playground', () => {
  it('chats with the starter model, the answer streamed into the page with its token counts', async () => {
    await page.goto(`${platform.url}/ui/playground`);
    await expect.poll(() => page.locator('#pg-target').inputValue(), { timeout: 60_000 }).toBe(`model:${STARTER}`);
    await page.locator('#pg-max_tokens').fill('12');
    await page.locator('#pg-message').fill('Hello! Who are you?');
    const streamed = page.waitForResponse((r) => r.url().includes('/ml/v1/text/chat_stream'));
    await page.getByRole('button', { name: 'Send' }).click();
    expect((await streamed).headers()['content-type']).toContain('text/event-stream');

    const { input, output } = await tokenCounts(page);
    expect(input).toBeGreaterThan(0);
    expect(output).toBeGreaterThan(0);
    expect(output).toBeLessThanOrEqual(12);
    const transcript = page.getByTestId('chat-transcript');
    await expect.poll(() => transcript.locator('li').count()).toBe(2);
    expect(await transcript.locator('li').nth(0).textContent()).toContain('Hello! Who are you?');
    expect(((await transcript.locator('li').nth(1).locator('.playground-text').textContent()) ?? '').length).toBeGreaterThan(0);
    await checkAccessibility(page, 'playground-chat');
    await screenshot(page, 'playground-chat');
  });

  it('refuses a parameter the API would refuse before sending, then streams a generation into the page as it comes', async () => {
    await page.getByRole('tab', { name: 'Generate' }).click();
    await page.locator('#pg-input').fill('Once upon a time');
    await page.locator('#pg-top_k').fill('500');
    await expect.poll(() => page.getByText('Top K must be between 1 and 100.').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Generate' }).isDisabled()).toBe(true);
    await checkAccessibility(page, 'playground-invalid-parameter');
    await screenshot(page, 'playground-invalid-parameter');
    await page.locator('#pg-top_k').fill('');

    // 200 tokens exactly (min = max; the starter model's context is 256): a stream long enough, even from so small a
    // model, for its events to reach the page over time.
    await page.locator('#pg-max_new_tokens').fill('200');
    await page.locator('#pg-min_new_tokens').fill('200');
    await watchTexts(page, '[data-testid="generated-text"]');
    // ≈ 50 KB of events for 200 tokens: about two seconds at this rate.
    await capDownload(page, 25_000);
    await page.getByRole('button', { name: 'Generate' }).click();
    const { input, output } = await tokenCounts(page);
    await capDownload(page, undefined);
    expect(input).toBeGreaterThan(0);
    expect(output).toBe(200);
    const text = (await page.getByTestId('generated-text').textContent()) ?? '';
    // The text grew in the page as the events arrived, the first of it shown before the response's last byte came.
    const partials = await seenTexts(page);
    expect(partials.length).toBeGreaterThan(1);
    for (const p of partials) expect(text.startsWith(p.text)).toBe(true);
    const ended = await responseEnd(page, '/ml/v1/text/generation_stream');
    expect(partials[0].at).toBeLessThan(ended);
    console.log(
      `playground e2e: 200 generated tokens shown in ${partials.length} steps, the first ${Math.round(ended - partials[0].at)} ms before the stream ended`,
    );
    await screenshot(page, 'playground-generate');
    await page.getByRole('tab', { name: 'Chat' }).click();
  });

  it('saves the chat as a prompt template', async () => {
    await page.getByRole('button', { name: 'Save as prompt template' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save as prompt template' });
    await dialog.locator('#pg-template-name').fill(TEMPLATE);
    await modalShown(page);
    await checkAccessibility(page, 'playground-save-template');
    await screenshot(page, 'playground-save-template');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByText('Prompt template saved').count(), { timeout: 30_000 }).toBe(1);

    const found = await platform.api.request<{
      results: { entity: { wx_prompt: { input_mode: string; prompt: Record<string, unknown> } } }[];
    }>('POST', `/v2/asset_types/wx_prompt/search?project_id=${projectId}`, {
      token,
      body: { query: `asset.asset_type:wx_prompt AND asset.name:${TEMPLATE}` },
    });
    expect(found.status).toBe(200);
    expect(found.body.results).toHaveLength(1);
    const saved = found.body.results[0].entity.wx_prompt;
    expect(saved.input_mode).toBe('chat');
    expect(saved.prompt).toMatchObject({ model_id: STARTER, model_parameters: { max_tokens: 12 } });
    expect(saved.prompt.chat_items).toEqual([
      { type: 'question', content: 'Hello! Who are you?' },
      expect.objectContaining({ type: 'answer' }),
    ]);
  });
});

describe('the deployments page', () => {
  it('deploys the template: a serving name refused before sending, the deployment listed ready with its URLs', async () => {
    await page.goto(`${platform.url}/ui/deployments`);
    await expect.poll(() => page.getByText('0 in this project').count(), { timeout: 60_000 }).toBe(1);
    await checkAccessibility(page, 'deployments-empty');

    await page.locator('#dep-name').fill('greeter');
    await page.locator('#dep-template').selectOption({ label: TEMPLATE });
    expect(await page.locator('#dep-base-model').inputValue()).toBe(STARTER);
    await page.locator('#dep-serving-name').fill('Not-Valid');
    await page.locator('#dep-name').focus();
    await expect.poll(() => page.getByText('1 to 36 characters of a-z, 0-9 and _.').count()).toBe(1);
    await checkAccessibility(page, 'deployments-invalid-serving-name');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/ml/v4/deployments')) posts.push(r.url());
    });
    await page.getByRole('button', { name: 'Create deployment' }).click();
    expect(posts).toEqual([]);

    await page.locator('#dep-serving-name').fill(SERVING);
    await page.getByRole('button', { name: 'Create deployment' }).click();
    const row = page.getByTestId('deployment-greeter');
    await expect.poll(() => row.locator('.cds--tag').textContent(), { timeout: 60_000 }).toBe('ready');
    expect(await row.textContent()).toContain(`/ml/v1/deployments/${SERVING}/text/generation`);
    expect(posts).toHaveLength(1);

    const listed = await platform.api.request<{ resources: { metadata: { name: string }; entity: { status: { state: string } } }[] }>(
      'GET',
      `/ml/v4/deployments?version=${VERSION}&project_id=${projectId}`,
      { token },
    );
    expect(listed.body.resources.map((d) => [d.metadata.name, d.entity.status.state])).toEqual([['greeter', 'ready']]);
    await checkAccessibility(page, 'deployments');
    await screenshot(page, 'deployments');

    // The same serving name again: the API's 409 shown on the field, before a create is tried.
    await page.locator('#dep-serving-name').fill(SERVING);
    await page.locator('#dep-name').focus();
    await expect.poll(() => page.getByText(`The serving name '${SERVING}' is already in use.`).count(), { timeout: 30_000 }).toBe(1);
  });

  it('chats with the deployment from the playground, whose template replaces the input', async () => {
    await page.goto(`${platform.url}/ui/playground`);
    const options = page.locator('#pg-target option');
    await expect.poll(async () => (await options.allTextContents()).some((t) => t.includes(SERVING)), { timeout: 60_000 }).toBe(true);
    const value = await page.locator('#pg-target option', { hasText: SERVING }).getAttribute('value');
    await page.locator('#pg-target').selectOption(value ?? '');
    await page.locator('#pg-max_tokens').fill('6');
    await page.locator('#pg-message').fill('Hi');
    const streamed = page.waitForResponse((r) => r.url().includes(`/text/chat_stream`));
    await page.getByRole('button', { name: 'Send' }).click();
    expect((await streamed).url()).toContain('/ml/v1/deployments/');
    const { output } = await tokenCounts(page);
    expect(output).toBeGreaterThan(0);
    await checkAccessibility(page, 'playground-deployment');
    await screenshot(page, 'playground-deployment');

    // Generation from a template deployment takes the template's variables, read from the saved template, not an input.
    await page.getByRole('tab', { name: 'Generate' }).click();
    await expect.poll(() => page.getByText("The deployment's template has no variables.").count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('#pg-input').count()).toBe(0);
  });

  it('deletes the deployment', async () => {
    await page.goto(`${platform.url}/ui/deployments`);
    const row = page.getByTestId('deployment-greeter');
    await row.getByRole('button', { name: /Delete/ }).click();
    const dialog = page.getByRole('dialog', { name: /Delete deployment greeter/ });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(0);
    const listed = await platform.api.request<{ resources: unknown[] }>(
      'GET',
      `/ml/v4/deployments?version=${VERSION}&project_id=${projectId}`,
      {
        token,
      },
    );
    expect(listed.body.resources).toEqual([]);
    await screenshot(page, 'deployments-deleted');
  });
});

it('raised no uncaught error, console error or CSP refusal in the pages', () => {
  expect(problems.errors).toEqual([]);
});
