import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CONSOLE_DIST, WORKSPACE_ROOT, ensureConsoleBuilt } from '@platform/launcher';
import type { AxeResults, Result } from 'axe-core';

/** Where the browser specs write a screenshot of each page (git-ignored, like all of .tmp/). */
export const SCREENSHOT_DIR = join(WORKSPACE_ROOT, '.tmp/console-screenshots');

/** Debian's Chromium (tools/scripts/bootstrap.sh installs it); PLATFORM_CHROMIUM names another. */
const CHROMIUM = process.env.PLATFORM_CHROMIUM || '/usr/bin/chromium';

/**
 * Chromium, headless, for the console's browser specs, after building the console if it is missing or stale (the
 * gateway serves dist/apps/console). Running as root (a container) needs --no-sandbox.
 */
export async function launchConsoleBrowser(): Promise<Browser> {
  await ensureConsoleBuilt((msg) => process.stdout.write(`[console-browser] ${msg}\n`));
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

/** What went wrong in a page besides failed assertions: uncaught errors, console errors, CSP refusals. */
export interface PageProblems {
  errors: string[];
}

/**
 * A new page that records its uncaught errors and console errors (a Content-Security-Policy refusal is one), for a
 * spec to assert none happened. `expected` skips console errors the spec provokes on purpose (a refused request: its
 * status and URL).
 */
export async function newConsolePage(browser: Browser, expected: RegExp[] = []): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: PageProblems = { errors: [] };
  page.on('pageerror', (e) => problems.errors.push(`uncaught: ${e.message}`));
  page.on('console', (m) => {
    // A failed load names its status in the text and its URL in the location.
    const text = `${m.text()} ${m.location().url ?? ''}`.trim();
    if (m.type() === 'error' && !expected.some((re) => re.test(text))) problems.errors.push(`console: ${text}`);
  });
  return { page, problems };
}

export type ConsoleCredentials = { username: string; password: string } | { username?: string; apiKey: string };

/** Opens the console (at `path`, default its start page) and signs in through its form; resolves once the shell shows. */
export async function signIn(page: Page, platform: { url: string }, credentials: ConsoleCredentials, path = '/ui/'): Promise<void> {
  await page.goto(`${platform.url}${path}`);
  await fillSignInForm(page, credentials);
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 30_000 });
}

/** Fills and submits the sign-in form shown on the page (the sign-in page or the expired-session dialog). */
export async function fillSignInForm(page: Page, credentials: ConsoleCredentials): Promise<void> {
  const form = page.getByRole('form', { name: 'Sign in' });
  // The radio buttons and the secret field share their labels ("Password", "API key"): address them by id.
  if ('password' in credentials) {
    await form.locator('label[for="sign-in-password"]').click();
    await form.locator('#sign-in-username').fill(credentials.username);
    await form.locator('#sign-in-password-input').fill(credentials.password);
  } else {
    await form.locator('label[for="sign-in-api-key"]').click();
    await form.locator('#sign-in-username').fill(credentials.username ?? '');
    await form.locator('#sign-in-api-key-input').fill(credentials.apiKey);
  }
  await form.getByRole('button', { name: 'Sign in' }).click();
}

type Violation = Pick<Result, 'id' | 'impact' | 'help' | 'nodes'>;
/** The part of the Web Animations API read here (the root tsconfig has no DOM types). */
interface Animation {
  playState: string;
  effect: { getTiming(): { iterations?: number } } | null;
}

let axeSource: string | undefined;

/**
 * axe-core on the page as it is now (WCAG 2.x A and AA rules and best practices): fails on any serious or critical
 * violation, listing each rule with the elements it found. axe.min.js is evaluated in the page (@axe-core/playwright
 * needs Node 22).
 */
export async function checkAccessibility(page: Page, name: string): Promise<void> {
  // Evaluated through the DevTools protocol: a <script> tag would be refused by the console's CSP (script-src 'self').
  if (!axeSource) axeSource = readFileSync(join(WORKSPACE_ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  // Colours caught mid-transition (a dialog fading in) fail the contrast rule: wait for finite animations to end.
  await page.waitForFunction(
    () =>
      (globalThis as unknown as { document: { getAnimations(): Animation[] } }).document
        .getAnimations()
        .every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
    undefined,
    { timeout: 10_000 },
  );
  await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(): Promise<Pick<AxeResults, 'violations'>> } }).axe.run(),
  );
  const serious: Violation[] = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length === 0) return;
  const lines = serious.map(
    (v) => `  ${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `      ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`,
  );
  throw new Error(`${name}: ${serious.length} serious or critical accessibility violation(s)\n${lines.join('\n')}`);
}

/** A full-page screenshot at .tmp/console-screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export { CONSOLE_DIST };
