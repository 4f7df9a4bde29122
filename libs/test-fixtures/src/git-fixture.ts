import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A real git repository on disk whose commits tests pin documents to. */
export interface GitFixture {
  dir: string;
  commit(files: Record<string, string | Buffer>, message: string): Promise<string>;
}

export async function createGitFixture(): Promise<GitFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'docs-repo-'));
  const git = async (...args: string[]) =>
    (
      await run('git', ['-C', dir, ...args], { env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } })
    ).stdout.trim();
  await git('init', '--quiet', '--initial-branch=main');
  await git('config', 'user.email', 'docs@example.com');
  await git('config', 'user.name', 'Docs');
  return {
    dir,
    async commit(files, message) {
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
      }
      await git('add', '--all');
      await git('commit', '--quiet', '-m', message);
      return git('rev-parse', 'HEAD');
    },
  };
}
