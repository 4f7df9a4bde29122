import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Supervisor, type ProcessSpec, type SupervisedProcess, type SupervisorOptions } from './supervisor';

/** A real `node -e` process running `script`. */
const node = (script: string): Promise<ChildProcess> => Promise.resolve(spawn(process.execPath, ['-e', script], { stdio: 'ignore' }));
const LIVES = 'setInterval(() => {}, 1000)';
const DIES_SOON = (code: number, afterMs = 20) => `setTimeout(() => process.exit(${code}), ${afterMs})`;

async function until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const alive = (p: SupervisedProcess) => p.child.exitCode === null && p.child.signalCode === null;

let started: SupervisedProcess[] = [];
afterEach(async () => {
  await Promise.all(started.map((p) => p.stop()));
  started = [];
});

function supervisor(o: Partial<SupervisorOptions> = {}) {
  const lines: string[] = [];
  const gaveUp: string[] = [];
  const sup = new Supervisor({ initialBackoffMs: 20, log: (l) => lines.push(l), onGiveUp: (m) => gaveUp.push(m), ...o });
  const start = async (spec: ProcessSpec) => {
    const p = await sup.start(spec);
    started.push(p);
    return p;
  };
  return { sup, lines, gaveUp, start };
}

/** Kills a probe under a supervisor of its own and waits for its restart: at least `backoffMs` have passed then. */
async function crashAndRestartProbe(backoffMs: number): Promise<void> {
  const { start } = supervisor({ initialBackoffMs: backoffMs });
  const probe = await start({ name: 'probe', logFile: 'probe.log', start: () => node(LIVES) });
  probe.child.kill('SIGKILL');
  await until('the probe restart', () => probe.restarts === 1);
}

describe('Supervisor', () => {
  it('restarts a killed process with a new pid and logs one line for the crash and one for the restart', async () => {
    const { lines, start } = supervisor();
    const p = await start({ name: 'taxonomy', logFile: '/logs/taxonomy.log', start: () => node(LIVES) });
    const first = p.child.pid;
    p.child.kill('SIGKILL');
    await until('the restart', () => p.restarts === 1);
    expect(p.child.pid).not.toBe(first);
    expect(alive(p)).toBe(true);
    expect(p.crashes).toBe(1);
    expect(lines).toEqual([
      'taxonomy exited unexpectedly (signal SIGKILL); restarting in 20 ms (crash 1 of 5 allowed within 60 s). Its log: /logs/taxonomy.log',
      `taxonomy restarted (pid ${p.child.pid}, restart 1)`,
    ]);
  });

  it('keeps the other processes running while one crashes', async () => {
    const { start } = supervisor();
    const steady = await start({ name: 'inference', logFile: 'i.log', start: () => node(LIVES) });
    const flaky = await start({ name: 'taxonomy', logFile: 't.log', start: () => node(LIVES) });
    const steadyPid = steady.child.pid;
    flaky.child.kill('SIGKILL');
    await until('the restart', () => flaky.restarts === 1);
    expect(steady.child.pid).toBe(steadyPid);
    expect(alive(steady)).toBe(true);
    expect(steady.crashes).toBe(0);
  });

  it('doubles the back-off with each crash in the window, then gives up naming the process and its log', async () => {
    const { lines, gaveUp, start } = supervisor({ maxCrashes: 4, initialBackoffMs: 10 });
    const p = await start({ name: 'engine-server', logFile: '/data/logs/engine-server.log', start: () => node(DIES_SOON(3)) });
    await until('the give-up', () => gaveUp.length > 0);
    expect(lines.filter((l) => l.includes('restarting in')).map((l) => /restarting in (\d+ ms)/.exec(l)?.[1])).toEqual([
      '10 ms',
      '20 ms',
      '40 ms',
    ]);
    expect(lines.filter((l) => l.includes('exited unexpectedly (code 3)'))).toHaveLength(4);
    expect(gaveUp).toEqual([
      'engine-server exited unexpectedly (code 3): it crashed 4 times within 60 s; stopping the platform. See its log: /data/logs/engine-server.log',
    ]);
    expect(lines.at(-1)).toBe(gaveUp[0]);
    // No restart after giving up: a probe whose first back-off (100 ms) outlasts the next one (80 ms) restarts first.
    expect(p.restarts).toBe(3);
    await crashAndRestartProbe(100);
    expect(p.restarts).toBe(3);
  });

  it('forgets crashes older than the window, so a process that crashes now and then is never given up', async () => {
    const { gaveUp, start } = supervisor({ maxCrashes: 2, windowMs: 100, initialBackoffMs: 10 });
    const p = await start({ name: 'sdg', logFile: 's.log', start: () => node(DIES_SOON(1, 150)) });
    await until('four crashes', () => p.crashes >= 4);
    expect(gaveUp).toEqual([]);
  });

  it('counts a failed restart as a crash and tries again', async () => {
    const { lines, start } = supervisor();
    let calls = 0;
    const p = await start({
      name: 'nats',
      logFile: 'nats.log',
      start: () => (++calls === 2 ? Promise.reject(new Error('port 4222 in use')) : node(LIVES)),
    });
    p.child.kill('SIGKILL');
    await until('the restart', () => p.restarts === 1);
    expect(calls).toBe(3);
    expect(p.crashes).toBe(2);
    expect(lines[1]).toBe(
      'nats did not restart (port 4222 in use); restarting in 40 ms (crash 2 of 5 allowed within 60 s). Its log: nats.log',
    );
    expect(alive(p)).toBe(true);
  });

  it('never restarts a process stopped on purpose, even one stopped during its back-off', async () => {
    const { lines, start } = supervisor({ initialBackoffMs: 100 });
    const stopped = await start({ name: 'gateway', logFile: 'g.log', start: () => node(LIVES) });
    await stopped.stop();
    expect(stopped.child.signalCode).toBe('SIGTERM');

    let calls = 0;
    const waiting = await start({ name: 'training', logFile: 't.log', start: () => (calls++, node(LIVES)) });
    waiting.child.kill('SIGKILL');
    await until('the crash', () => waiting.crashes === 1);
    await waiting.stop();
    // A probe with the same back-off restarts once that back-off has passed; the stopped process would have too.
    await crashAndRestartProbe(100);
    expect(calls).toBe(1);
    expect(lines).toHaveLength(1);
  });

  it('throws when the first start fails instead of retrying', async () => {
    const { sup } = supervisor();
    await expect(
      sup.start({ name: 'postgres', logFile: 'pg.log', start: () => Promise.reject(new Error('initdb failed')) }),
    ).rejects.toThrow('initdb failed');
  });

  it('uses the process spec stop (PostgreSQL stops on SIGINT)', async () => {
    const { start } = supervisor();
    const p = await start({
      name: 'postgres',
      logFile: 'pg.log',
      // Resolves once the handlers are installed, so the stop below reaches them.
      start: () =>
        new Promise((resolve) => {
          const script = `process.on('SIGINT', () => process.exit(0)); process.on('SIGTERM', () => {}); console.log('ready'); ${LIVES}`;
          const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
          child.stdout.once('data', () => resolve(child));
        }),
      stop: (child) =>
        new Promise((done) => {
          child.once('exit', () => done());
          child.kill('SIGINT');
        }),
    });
    await p.stop();
    expect(p.child.exitCode).toBe(0);
    expect(p.crashes).toBe(0);
  });
});
