import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkAccessibility,
  launchConsoleBrowser,
  newConsolePage,
  screenshot,
  signIn,
  type PageProblems,
} from '../support/console-browser';
import { SKILL_QNA, tarGz } from '../support/tarballs';
import { startTestPlatform, type TestPlatform } from '../support/test-platform';

/**
 * The console's taxonomy pages in Chromium against the real platform: a tarball with one bad qna.yaml refused with its
 * `file:line: problem` shown, the fixed one created and its leaf tree browsed; a folder checked in the browser before
 * it is packed and uploaded; the qna.yaml form checked live by the taxonomy service's rules, downloaded, and added to a
 * taxonomy. axe on every page; screenshots of each.
 */
const run = randomBytes(3).toString('hex');
const USER = `tara_${run}`;
const POEMS = `poems-${run}`;
const LEAF = 'compositional_skills/writing/poetry/qna.yaml';
// `answer: yes` is a YAML 1.1 boolean, refused where text is required (InstructLab would train on "True").
const BAD_LINE = SKILL_QNA.split('\n').indexOf('    answer: The moon is pale and bright.') + 1;
const BAD_QNA = SKILL_QNA.replace('    answer: The moon is pale and bright.', '    answer: yes');
const BAD_PROBLEM = `${LEAF}:${BAD_LINE}: seed_examples[1].answer must be text, found a boolean (yes); put the value in quotes`;

let platform: TestPlatform;
let browser: Browser;
let page: Page;
let problems: PageProblems;
let token: string;
let projectId: string;
const scratch = mkdtempSync(join(tmpdir(), 'console-taxonomies-'));

beforeAll(async () => {
  platform = await startTestPlatform();
  token = await platform.api.newUser(USER);
  projectId = await platform.api.newProject(token, 'taxonomies');
  browser = await launchConsoleBrowser();
  // The refused create is a 400 the page shows; Chromium logs it as a failed resource.
  ({ page, problems } = await newConsolePage(browser, [/status of 400/]));
  await signIn(page, platform, { username: USER, password: `${USER}-password` }, '/ui/taxonomies');
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const leavesOf = async (id: string) =>
  (
    await platform.api.request<{ leaves: { path: string; qna_yaml: string }[] }>(
      'GET',
      `/v1/projects/${projectId}/taxonomies/${id}/leaves`,
      { token },
    )
  ).body.leaves;
const taxonomyIdInUrl = async (): Promise<string> => {
  await page.waitForURL(/\/ui\/taxonomies\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  return page.url().split('/').pop() ?? '';
};

describe('the taxonomies page', () => {
  it('shows the line-numbered problem of an upload with one bad qna.yaml, then creates the fixed one and shows its leaf tree', async () => {
    await page.getByRole('heading', { name: 'Taxonomies', level: 1 }).waitFor({ timeout: 30_000 });
    await checkAccessibility(page, 'taxonomies-empty');
    await page.locator('#taxonomy-name').fill(POEMS);
    const bad = await tarGz([{ name: `taxonomy/${LEAF}`, content: BAD_QNA }]);
    await page.locator('#taxonomy-tarball').setInputFiles({ name: 'taxonomy.tar.gz', mimeType: 'application/gzip', buffer: bad });
    await page.getByRole('button', { name: 'Upload and create' }).click();

    const listed = page.getByRole('list', { name: 'Problems in the taxonomy' });
    await listed.waitFor({ timeout: 60_000 });
    expect(await listed.locator('li').allTextContents()).toEqual([BAD_PROBLEM]);
    // The envelope's trace id is shown to quote.
    expect(await page.getByTestId('error-trace').textContent()).toMatch(/\S+/);
    await checkAccessibility(page, 'taxonomies-refused');
    await screenshot(page, 'taxonomies-refused');

    const fixed = await tarGz([
      { name: `taxonomy/${LEAF}`, content: SKILL_QNA },
      { name: 'taxonomy/compositional_skills/writing/haiku/qna.yaml', content: SKILL_QNA.replace('Write short poems', 'Write haiku') },
    ]);
    await page.locator('#taxonomy-tarball').setInputFiles({ name: 'taxonomy.tar.gz', mimeType: 'application/gzip', buffer: fixed });
    await page.getByRole('button', { name: 'Upload and create' }).click();
    const id = await taxonomyIdInUrl();

    await page.getByRole('heading', { name: `Taxonomy ${POEMS}` }).waitFor({ timeout: 30_000 });
    const tree = page.getByRole('tree', { name: 'Leaf tree' });
    await tree.getByText('poetry (qna.yaml)').waitFor();
    expect(await tree.getByRole('treeitem').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('haiku (qna.yaml)')]));
    await tree.getByText('poetry (qna.yaml)').click();
    const shown = page.getByRole('region', { name: `Leaf ${LEAF}` });
    await expect.poll(async () => (await shown.textContent()) ?? '').toContain('task_description: Write short poems');
    expect((await leavesOf(id)).map((l) => l.path)).toEqual(['compositional_skills/writing/haiku/qna.yaml', LEAF]);
    await checkAccessibility(page, 'taxonomy-detail');
    await screenshot(page, 'taxonomy-detail');
  });

  it('checks a folder in the browser before uploading it, then packs and creates it', async () => {
    const folder = (name: string, qna: string) => {
      const root = join(scratch, name, 'taxonomy');
      mkdirSync(dirname(join(root, LEAF)), { recursive: true });
      writeFileSync(join(root, LEAF), qna);
      writeFileSync(join(root, 'README.md'), '# poems\n');
      return root;
    };
    await page.goto(`${platform.url}/ui/taxonomies`);
    // A taken name is refused before anything is uploaded (the upload would replace that taxonomy's archive).
    await page.locator('#taxonomy-name').fill(POEMS);
    await page.getByText(`A taxonomy named ${POEMS} already exists in this project.`).waitFor({ timeout: 30_000 });
    await page.locator('#taxonomy-name').fill(`folder-${run}`);
    await page.locator('label[for="taxonomy-source-folder"]').click();
    await page.locator('#taxonomy-folder').setInputFiles(folder('bad', BAD_QNA));
    const found = page.getByRole('list', { name: 'Problems in the folder' });
    await found.waitFor({ timeout: 30_000 });
    expect(await found.locator('li').allTextContents()).toEqual([BAD_PROBLEM]);
    expect(await page.getByRole('button', { name: 'Upload and create' }).isDisabled()).toBe(true);
    await screenshot(page, 'taxonomies-folder-refused');

    await page.locator('#taxonomy-folder').setInputFiles(folder('good', SKILL_QNA));
    await page.getByText('1 leaves found; all valid').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Upload and create' }).click();
    const id = await taxonomyIdInUrl();
    expect(await leavesOf(id)).toEqual([expect.objectContaining({ path: LEAF, qna_yaml: SKILL_QNA })]);
  });
});

describe('the qna.yaml form', () => {
  it('checks the leaf live with its lines, downloads it and adds it to a taxonomy', async () => {
    await page.goto(`${platform.url}/ui/taxonomies`);
    await page.getByRole('button', { name: 'Write a qna.yaml' }).click();
    await page.getByRole('heading', { name: 'Write a qna.yaml' }).waitFor({ timeout: 30_000 });
    await page.locator('label[for="leaf-kind-skill"]').click();
    await page.locator('#leaf-folder').fill('writing/limericks');
    const leaf = 'compositional_skills/writing/limericks/qna.yaml';
    const problemsList = page.getByRole('list', { name: 'Problems in this qna.yaml' });
    // A new leaf is empty: the rules point at its lines (created_by is line 2 of the file as written).
    expect(await problemsList.locator('li').allTextContents()).toContain(`${leaf}:2: created_by must not be empty`);
    await checkAccessibility(page, 'qna-form-empty');
    await screenshot(page, 'qna-form-empty');

    await page.locator('#leaf-created-by').fill('console-e2e');
    await page.locator('#leaf-task').fill('Write limericks');
    const topics = ['a cat', 'the sea', 'a train', 'the moon', 'the moon'];
    for (const [i, topic] of topics.entries()) {
      await page.locator(`#seed-${i}-question`).fill(`Write a limerick about ${topic}.`);
      // "yes" stays text: the form writes YAML 1.1 as the service reads it.
      await page.locator(`#seed-${i}-answer`).fill(i === 0 ? 'yes' : `There once was ${topic}…\nthat rhymed.`);
    }
    // Seeds 4 and 5 are the same: refused live, on the line of the repeat.
    await expect
      .poll(() => problemsList.locator('li').allTextContents())
      .toEqual([expect.stringMatching(new RegExp(`^${leaf}:\\d+: seed_examples\\[4\\] repeats seed_examples\\[3\\]`))]);
    const preview = page.getByLabel('qna.yaml preview');
    const line = Number(/:(\d+):/.exec((await problemsList.locator('li').first().textContent()) ?? '')?.[1]);
    expect((await preview.textContent())?.split('\n')[line - 1]).toMatch(/^\d+\s*- question: Write a limerick about the moon\.$/);
    expect(await page.getByRole('button', { name: 'Download qna.yaml' }).isDisabled()).toBe(true);

    await page.locator('#seed-4-question').fill('Write a limerick about a star.');
    await page.getByText('Valid: the taxonomy service will accept this leaf.').waitFor();
    await checkAccessibility(page, 'qna-form-valid');
    await screenshot(page, 'qna-form-valid');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download qna.yaml' }).click()]);
    expect(download.suggestedFilename()).toBe('qna.yaml');
    const text = readFileSync(await download.path(), 'utf8');
    expect(text).toContain('created_by: console-e2e\n');
    expect(text).toContain('answer: "yes"\n');

    await page.locator('#leaf-base-taxonomy').selectOption({ label: POEMS });
    await page.locator('#leaf-taxonomy-name').fill(`poems-plus-${run}`);
    await page.getByRole('button', { name: 'Create the taxonomy' }).click();
    const id = await taxonomyIdInUrl();
    const leaves = await leavesOf(id);
    expect(leaves.map((l) => l.path)).toEqual(['compositional_skills/writing/haiku/qna.yaml', leaf, LEAF]);
    expect(leaves[1].qna_yaml).toBe(text);
    await page.getByRole('tree', { name: 'Leaf tree' }).getByText('limericks (qna.yaml)').waitFor({ timeout: 30_000 });
    await screenshot(page, 'taxonomy-with-new-leaf');
    expect(problems.errors).toEqual([]);
  });
});
