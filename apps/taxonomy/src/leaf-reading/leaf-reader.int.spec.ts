import { status as GrpcStatus } from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { FREEFORM_SKILL, GROUNDED_SKILL, KNOWLEDGE } from '@platform/taxonomy-rules/testing';
import { LeafReadLimitError, LeafReader } from './leaf-reader';
import { readLeaf } from './read-leaf';

const leaf = (path: string, text: string) => ({ path, data: Buffer.from(text) });

/** A skill whose seed list is tens of thousands of tiny nodes: seconds of YAML parsing for a few hundred kilobytes. */
function denseSkill(kib: number): string {
  const seed = '  - question: q\n    answer: a\n';
  return 'version: 2\ntask_description: x\ncreated_by: y\nseed_examples:\n' + seed.repeat(Math.floor((kib * 1024) / seed.length));
}

/** The longest pause of the event loop while `work` runs, from a timer that should fire every 10 ms. */
async function longestPause<T>(work: () => Promise<T>): Promise<{ result: T; pauseMs: number; tookMs: number }> {
  let last = performance.now();
  let pauseMs = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    pauseMs = Math.max(pauseMs, now - last);
    last = now;
  }, 10);
  const started = performance.now();
  try {
    const result = await work();
    return { result, pauseMs, tookMs: performance.now() - started };
  } finally {
    clearInterval(tick);
  }
}

async function refusal(promise: Promise<unknown>): Promise<LeafReadLimitError> {
  const err = await promise.then(
    () => expect.unreachable('the leaves were read'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LeafReadLimitError);
  return err as LeafReadLimitError;
}

describe('LeafReader: leaves read in a child process', () => {
  const reader = new LeafReader({ timeLimitMs: 60_000, maxHeapMb: 256, processes: 1 });
  afterAll(() => reader.close());

  it('reads what reading in-process reads: issues, tokens, kind and document source', async () => {
    const leaves = [
      leaf('knowledge/astronomy/sun/qna.yaml', KNOWLEDGE),
      leaf('compositional_skills/writing/freeform/qna.yaml', FREEFORM_SKILL),
      leaf('compositional_skills/writing/grounded/qna.yaml', GROUNDED_SKILL),
      leaf('compositional_skills/writing/broken/qna.yaml', 'version: 2\n'),
    ];
    const readings = await reader.read('ada', leaves);
    expect(readings).toEqual(leaves.map((l) => readLeaf(l.path, l.data)));
    expect(readings.map((r) => [r.kind, r.issues.length > 0])).toEqual([
      ['knowledge', false],
      ['freeform_skill', false],
      ['grounded_skill', false],
      ['freeform_skill', true],
    ]);
    expect(readings[0].source).toMatchObject({
      leaf: 'knowledge/astronomy/sun/qna.yaml',
      repo: 'https://github.com/example/astronomy-docs',
    });
    expect(readings[0].tokens).toBeGreaterThan(50);
  });

  it('keeps the event loop free while a slow leaf is read', async () => {
    const { result, pauseMs, tookMs } = await longestPause(() =>
      reader.read('ada', [leaf('compositional_skills/dense/qna.yaml', denseSkill(256))]),
    );
    expect(result[0].issues.length).toBeGreaterThan(0); // the seeds repeat
    // Read in-process, the loop would pause for the whole read; here it keeps ticking.
    expect(tookMs).toBeGreaterThan(300);
    expect(pauseMs).toBeLessThan(tookMs / 3);
  });

  it('stops at the time limit, naming the leaf it was reading, and reads again afterwards', async () => {
    const quick = new LeafReader({ timeLimitMs: 300, maxHeapMb: 256, processes: 1 });
    try {
      const err = await refusal(
        quick.read('ada', [
          leaf('compositional_skills/ok/qna.yaml', FREEFORM_SKILL),
          leaf('compositional_skills/dense/qna.yaml', denseSkill(1024)),
        ]),
      );
      expect(err).toMatchObject({ leaf: 'compositional_skills/dense/qna.yaml', limit: 'time' });
      expect(err.message).toMatch(/took more than 0.3 s and stopped in this one/);
      const again = await quick.read('ada', [leaf('compositional_skills/ok/qna.yaml', FREEFORM_SKILL)]);
      expect(again[0]).toMatchObject({ issues: [], kind: 'freeform_skill' });
    } finally {
      quick.close();
    }
  });

  it('stops a leaf that needs more memory than the limit, naming it', async () => {
    const small = new LeafReader({ timeLimitMs: 60_000, maxHeapMb: 128, processes: 1 });
    try {
      const err = await refusal(small.read('ada', [leaf('compositional_skills/dense/qna.yaml', denseSkill(1024))]));
      expect(err).toMatchObject({ leaf: 'compositional_skills/dense/qna.yaml', limit: 'memory' });
      expect(err.message).toMatch(/needed more than 128 MiB of memory/);
    } finally {
      small.close();
    }
  });

  it("one owner's slow uploads hold one process: another owner is read meanwhile", async () => {
    const pool = new LeafReader({ timeLimitMs: 60_000, maxHeapMb: 256, processes: 2 });
    try {
      const finished: string[] = [];
      const read = (owner: string, name: string, text: string) =>
        pool.read(owner, [leaf(`compositional_skills/${name}/qna.yaml`, text)]).then(() => finished.push(name));
      // Two slow uploads of one owner, then a quick one of another: with one process per owner the quick one takes the
      // second process at once; a plain pool would give both processes to the first owner and make it wait seconds.
      await Promise.all([
        read('mallory', 'slow1', denseSkill(512)),
        read('mallory', 'slow2', denseSkill(512)),
        read('ada', 'quick', FREEFORM_SKILL),
      ]);
      expect(finished).toEqual(['quick', 'slow1', 'slow2']);
    } finally {
      pool.close();
    }
  });

  it('refuses an owner more calls than it may have waiting, since each holds its files in memory', async () => {
    const pool = new LeafReader({ timeLimitMs: 60_000, maxHeapMb: 256, processes: 1 });
    try {
      const calls = Array.from({ length: 5 }, (_, i) =>
        pool.read('mallory', [leaf(`compositional_skills/s${i}/qna.yaml`, FREEFORM_SKILL)]),
      );
      // One running and four waiting: the sixth is refused at once; another owner still queues.
      await expect(pool.read('mallory', [leaf('compositional_skills/s5/qna.yaml', FREEFORM_SKILL)])).rejects.toMatchObject({
        grpcCode: GrpcStatus.RESOURCE_EXHAUSTED,
        code: 'too_many_requests',
      });
      const other = pool.read('ada', [leaf('compositional_skills/a/qna.yaml', FREEFORM_SKILL)]);
      expect(await Promise.all([...calls, other])).toHaveLength(6);
    } finally {
      pool.close();
    }
  });
});
