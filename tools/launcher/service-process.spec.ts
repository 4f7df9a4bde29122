import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceSpec, WORKSPACE_ROOT } from './service-process';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function until<T>(what: string, read: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = read();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const exited = (child: ChildProcess) => new Promise((r) => child.once('close', r));

describe('serviceSpec', () => {
  it("gives each process a TMPDIR of its own under the platform's data dir, emptied when it (re)starts", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'launcher-spec-'));
    // The entry must lie in the workspace (it is resolved from its root): .tmp is ignored by git.
    const fixture = join(WORKSPACE_ROOT, '.tmp', `service-process-spec-${process.pid}`);
    mkdirSync(fixture, { recursive: true });
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    cleanups.push(() => rmSync(fixture, { recursive: true, force: true }));
    writeFileSync(
      join(fixture, 'writer.js'),
      `const { writeFileSync } = require('node:fs'); const { tmpdir } = require('node:os');
       writeFileSync(require('node:path').join(tmpdir(), 'left-' + process.pid), '');
       console.log('tmpdir ' + tmpdir());
       setInterval(() => {}, 1000);`,
    );
    const spec = serviceSpec('writer', relative(WORKSPACE_ROOT, join(fixture, 'writer.js')), process.env, {
      logDir: join(dataDir, 'logs'),
      tmpDir: join(dataDir, 'tmp'),
    });
    const own = join(dataDir, 'tmp', 'writer');
    const run = async (lines: number) => {
      const child = await spec.start();
      cleanups.push(() => child.kill('SIGKILL'));
      await until('the line it logs', () =>
        existsSync(spec.logFile) && readFileSync(spec.logFile, 'utf8').match(/^tmpdir /gm)?.length === lines ? true : undefined,
      );
      return child;
    };

    const first = await run(1);
    expect(readFileSync(spec.logFile, 'utf8')).toContain(`tmpdir ${own}\n`);
    expect(readdirSync(own)).toEqual([`left-${first.pid}`]);
    first.kill('SIGKILL');
    await exited(first);
    expect(readdirSync(own)).toEqual([`left-${first.pid}`]);

    const second = await run(2);
    expect(readdirSync(own)).toEqual([`left-${second.pid}`]);
    second.kill('SIGKILL');
    await exited(second);
  });
});
