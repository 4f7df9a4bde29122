import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('MatmulPool', () => {
  it("turns a worker's failure into an error on the calling thread and stays usable", () => {
    // In its own process, for two reasons: the worker's failure is a wasm trap, which V8 raises from a SIGSEGV its own
    // handler catches, and in vitest's shared unit process (modules of many specs loaded) the signal now and then
    // killed the process instead; and a regression hangs the calling thread, which a time-out can stop only there.
    const out = execFileSync(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'testing/worker-failure-check.ts')], {
      cwd: join(__dirname, '../../..'),
      encoding: 'utf8',
      timeout: 30_000,
    });
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as { pastTheEnd: boolean; error?: string; got: number[]; expected: number[] };
    expect(result.pastTheEnd).toBe(true);
    expect(result.error).toMatch(/worker thread failed its part of the job: RuntimeError: memory access out of bounds/);
    result.expected.forEach((v, i) => expect(result.got[i]).toBeCloseTo(v, 4));
  });
});
