import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { WatchedJob } from './job-progress';
import type { Io } from './output';
import { watchJob } from './watch';

const STATES: WatchedJob[] = [
  { status: 'queued', state: '' },
  { status: 'running', state: 'generating', progress: { stage: 'knowledge', done: 1, total: 4, samples: 3 } },
  { status: 'running', state: 'generating', progress: { stage: 'knowledge', done: 1, total: 4, samples: 3 } },
  { status: 'running', state: 'generating', progress: { stage: 'skills', done: 3, total: 4, samples: 9 } },
  { status: 'completed', state: 'completed', progress: { stage: 'skills', done: 4, total: 4, samples: 12 } },
];

function io(tty: boolean) {
  const lines: string[] = [];
  const stream = new PassThrough();
  const drawn: string[] = [];
  stream.on('data', (c: Buffer) => drawn.push(c.toString()));
  const value: Io = { out: () => undefined, err: (s) => lines.push(s), errIsTty: tty, errStream: stream, env: {} };
  return { io: value, lines, drawn };
}

/** Successive GETs of one job, as the API would answer while it runs. */
function sequence(states: WatchedJob[]) {
  let i = 0;
  return { fetch: async () => states[Math.min(i++, states.length - 1)], calls: () => i };
}

describe('watchJob', () => {
  it('polls until the job ends and returns the last GET, one line per change when stderr is no terminal', async () => {
    const s = sequence(STATES);
    const c = io(false);
    const last = await watchJob({ label: 'data d1', intervalMs: 1, io: c.io, fetch: s.fetch });
    expect(last).toBe(STATES[4]);
    expect(s.calls()).toBe(5);
    expect(c.lines).toEqual([
      'data d1  queued\n',
      'data d1  running  knowledge  1/4 (25%)  3 samples\n',
      'data d1  running  skills  3/4 (75%)  9 samples\n',
      'data d1  completed  skills  4/4 (100%)  12 samples\n',
    ]);
  });

  it('stops at failed and canceled too', async () => {
    const s = sequence([{ status: 'running' }, { status: 'failed', state: '' }, { status: 'running' }]);
    expect((await watchJob({ label: 'model m', intervalMs: 1, io: io(false).io, fetch: s.fetch })).status).toBe('failed');
    expect(s.calls()).toBe(2);
  });

  it('draws a progress bar on a terminal', async () => {
    const c = io(true);
    await watchJob({ label: 'data d1', intervalMs: 1, io: c.io, fetch: sequence(STATES).fetch });
    const drawn = c.drawn.join('');
    expect(drawn).toMatch(/data d1 \|[^|]+\| 100% {2}4\/4 {2}completed skills {2}12 samples/);
    expect(drawn).toMatch(/data d1 \|-+\| 0% {2}queued/);
    expect(c.lines).toEqual([]);
  });

  it('passes API errors through', async () => {
    await expect(watchJob({ label: 'x', intervalMs: 1, io: io(false).io, fetch: () => Promise.reject(new Error('gone')) })).rejects.toThrow(
      'gone',
    );
  });
});
