import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A real git repository on this machine that knowledge fixtures point `document.repo` at. */
export interface DocsRepo {
  dir: string;
  url: string;
  commit: string;
}

/**
 * Made once per spec file that imports it, synchronously so fixtures stay plain strings, and removed after the file's
 * tests (a worker process is ended by a signal, so an 'exit' listener would leave it behind). The platform under test
 * fetches it over file://, which test platforms allow (PLATFORM_ALLOW_PRIVATE_GIT, as in the embedded default).
 */
function createDocsRepo(files: Record<string, string>): DocsRepo {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-docs-'));
  const env = {
    ...process.env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'e2e',
    GIT_AUTHOR_EMAIL: 'e2e@example.com',
    GIT_COMMITTER_NAME: 'e2e',
    GIT_COMMITTER_EMAIL: 'e2e@example.com',
  };
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, ...args], { env })
      .toString('utf8')
      .trim();
  git('init', '--quiet');
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  git('add', '--all');
  git('commit', '--quiet', '-m', 'documents');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, url: `file://${dir}`, commit: git('rev-parse', 'HEAD') };
}

export const ASTRONOMY_DOCS = createDocsRepo({
  'sun.md': '# The Sun\n\nThe Sun is a G-type main-sequence star at the center of the Solar System.\n',
});
