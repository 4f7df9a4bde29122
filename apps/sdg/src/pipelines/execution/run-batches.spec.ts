import { describe, expect, it } from 'vitest';
import { parsePipelineDefinition } from '../engine/load-definition';
import { Pipeline } from '../engine/pipeline';
import { MemoryCheckpoints } from '../testing/memory-checkpoints';
import { ScriptedTeacher } from '../testing/scripted-teacher';
import { planBatches } from './batch-plan';
import { runBatches } from './run-batches';

const pipeline = new Pipeline(
  parsePipelineDefinition(
    `
version: "1.0"
name: t
blocks:
  - name: gen
    type: LLMBlock
    config:
      model: teacher
      prompt: { generation: "{{seed}}" }
      output_cols: [out]
      parser: { tags: [{ start: "<", end: ">" }] }
`,
    't.yaml',
  ),
);

const rows = Array.from({ length: 10 }, (_, i) => ({ seed: `s${i}` }));

describe('batches and checkpoints', () => {
  it('plans fixed batches', () => {
    expect(planBatches(rows, 4).map((b) => b.length)).toEqual([4, 4, 2]);
    expect(() => planBatches(rows, 0)).toThrow(/positive/);
  });

  it('saves each batch as it finishes and skips saved batches on resume, with no duplicates or losses', async () => {
    const checkpoints = new MemoryCheckpoints();
    const job = { key: 'leaf', pipeline, batches: planBatches(rows, 3) };
    const stop = new AbortController();
    // The first run dies after two batches are saved.
    const first = new ScriptedTeacher((c) => `<${c.user}>`, 1);
    let finished = 0;
    const run1 = runBatches(
      job,
      checkpoints,
      { teacher: first, models: { teacher: 't', judge: 'j' }, signal: stop.signal, numInstructions: 1, seed: 1 },
      {
        finished: () => {
          if (++finished === 2) stop.abort(new Error('killed'));
        },
        stage: () => undefined,
      },
    );
    await expect(run1).rejects.toThrow();
    expect(checkpoints.batches()).toBe(2);

    const second = new ScriptedTeacher((c) => `<${c.user}>`, 2);
    let reported = 0;
    const out = await runBatches(
      job,
      checkpoints,
      { teacher: second, models: { teacher: 't', judge: 'j' }, signal: new AbortController().signal, numInstructions: 1, seed: 1 },
      {
        finished: () => reported++,
        stage: () => undefined,
      },
    );
    expect(reported).toBe(4);
    // Only the rows of the two unfinished batches were generated again.
    expect(second.calls.map((c) => c.user).sort()).toEqual(
      job.batches
        .filter((_, i) => !checkpoints.saves.slice(0, 2).some((s) => s.batch === i))
        .flat()
        .map((r) => r.seed)
        .sort(),
    );
    expect(out.map((r) => r.out)).toEqual(rows.map((r) => r.seed));
    expect(new Set(checkpoints.saves.map((s) => s.batch)).size).toBe(checkpoints.saves.length);
  });
});
