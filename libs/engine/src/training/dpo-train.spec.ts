import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from './cli';
import { evaluatePreferences } from './dpo';
import { createFixtureModel, fixturePreferences, fixtureRecords, heldOutPreferences } from './test-fixture';
import { train, type StepMetrics, type TrainOptions } from './trainer';

const trainPairs = fixturePreferences();
const heldOut = heldOutPreferences();

let root: string;
let baseDir: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'dpo-train-spec-'));
  baseDir = join(root, 'base');
  createFixtureModel(baseDir);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function dpoOptions(out: string): TrainOptions {
  return {
    modelDir: baseDir,
    preferenceRecords: trainPairs,
    outputDir: out,
    objective: 'dpo',
    dpoBeta: 0.1,
    batchSize: 4,
    maxSeqLen: 128,
    seed: 1,
    saveEveryEpoch: false,
  };
}

/** The `__metadata__` of a safetensors header (u64 length, then JSON). */
function safetensorsMetadata(path: string): Record<string, string> {
  const buf = readFileSync(path);
  const len = Number(buf.readBigUInt64LE(0));
  return (JSON.parse(buf.subarray(8, 8 + len).toString('utf8')) as { __metadata__: Record<string, string> }).__metadata__;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('train with objective dpo', () => {
  it('full fine-tuning raises the chosen-minus-rejected margin on held-out pairs', async () => {
    const metrics: StepMetrics[] = [];
    const r = await train({
      ...dpoOptions(join(root, 'full')),
      mode: 'full',
      epochs: 6,
      learningRate: 1e-2,
      onMetrics: (m) => metrics.push(m),
    });
    expect(r.sequences).toBe(trainPairs.length);
    expect(r.globalStep).toBe(12); // 8 pairs / batch 4 = 2 steps per epoch
    for (const m of metrics) expect(typeof m.reward_margin).toBe('number');
    // The first step starts at the reference: margin 0, loss log 2.
    expect(metrics[0].reward_margin).toBe(0);
    expect(metrics[0].loss).toBeCloseTo(Math.log(2), 6);
    expect(mean(metrics.slice(-2).map((m) => m.reward_margin!))).toBeGreaterThan(1);
    expect(mean(metrics.slice(-2).map((m) => m.loss))).toBeLessThan(Math.log(2));

    const before = evaluatePreferences(baseDir, heldOut);
    const after = evaluatePreferences(r.checkpoints[0], heldOut);
    console.log(
      `DPO held-out margin log p(chosen) − log p(rejected), mean over ${after.pairs} pairs: ` +
        `${before.meanMargin.toFixed(3)} → ${after.meanMargin.toFixed(3)} (chosen preferred: ${before.accuracy} → ${after.accuracy})`,
    );
    expect(after.meanMargin).toBeGreaterThan(before.meanMargin + 1);
    expect(safetensorsMetadata(join(r.checkpoints[0], 'model.safetensors'))).toMatchObject({
      training_objective: 'dpo',
      dpo_beta: '0.1',
    });
  });

  it('LoRA trains the adapters against the base as reference and saves merged weights', async () => {
    const metrics: StepMetrics[] = [];
    const r = await train({
      ...dpoOptions(join(root, 'lora')),
      mode: 'lora',
      epochs: 4,
      learningRate: 3e-2,
      loraRank: 4,
      loraAlpha: 8,
      onMetrics: (m) => metrics.push(m),
    });
    expect(metrics[0].reward_margin).toBe(0); // B starts at zero: the policy starts exactly at the reference
    expect(metrics.at(-1)!.reward_margin!).toBeGreaterThan(0.5);
    const before = evaluatePreferences(baseDir, heldOut);
    const after = evaluatePreferences(r.checkpoints[0], heldOut);
    console.log(`DPO LoRA held-out margin: ${before.meanMargin.toFixed(3)} → ${after.meanMargin.toFixed(3)}`);
    expect(after.meanMargin).toBeGreaterThan(before.meanMargin);
  });

  it('prompt tuning trains the soft prompt against the initial soft prompt as reference', async () => {
    const metrics: StepMetrics[] = [];
    const r = await train({
      ...dpoOptions(join(root, 'pt')),
      mode: 'prompt_tuning',
      numVirtualTokens: 4,
      epochs: 4,
      learningRate: 1e-1,
      onMetrics: (m) => metrics.push(m),
    });
    expect(metrics[0].reward_margin).toBe(0);
    expect(metrics.at(-1)!.reward_margin!).toBeGreaterThan(0);
    const before = evaluatePreferences(baseDir, trainPairs);
    expect(evaluatePreferences(r.checkpoints[0], trainPairs).meanMargin).toBeGreaterThan(before.meanMargin);
  });

  it('resumes against the original reference, and refuses bad settings', async () => {
    const out = join(root, 'resume');
    const opts: TrainOptions = { ...dpoOptions(out), mode: 'lora', learningRate: 3e-2, loraRank: 2, saveEveryEpoch: true };
    await train({ ...opts, epochs: 1 });
    const metrics: StepMetrics[] = [];
    const second = await train({ ...opts, epochs: 2, onMetrics: (m) => metrics.push(m) });
    expect(second.resumedFrom).toBe(join(out, 'epoch-1'));
    // Resumed from the epoch-1 weights, the policy already differs from the reference of the first run's start.
    expect(metrics[0].reward_margin).not.toBe(0);
    // An SFT run's directory of the same mode is not resumed by DPO: its trainer_state.json names objective sft.
    const sftOut = join(root, 'sft-then-dpo');
    await train({ modelDir: baseDir, records: fixtureRecords(), outputDir: sftOut, mode: 'lora', loraRank: 2, epochs: 1, batchSize: 4 });
    expect(JSON.parse(readFileSync(join(sftOut, 'trainer_state.json'), 'utf8'))).toMatchObject({ objective: 'sft', epoch: 1 });
    const fresh = await train({ ...opts, outputDir: sftOut, epochs: 1 });
    expect(fresh.resumedFrom).toBeUndefined();
    expect(fresh.globalStep).toBe(2);
    await expect(train({ ...opts, outputDir: join(root, 'bad'), dpoBeta: 0 })).rejects.toThrow(/dpoBeta must be positive/);
    await expect(train({ ...opts, outputDir: join(root, 'bad'), preferenceRecords: [] })).rejects.toThrow(/no preference pair/);
  });

  it('runs from the CLI with --objective dpo --dpo-beta, printing reward_margin per step', async () => {
    const data = join(root, 'prefs.jsonl');
    // One pair with a plain-text prompt next to the chat ones: both shapes are accepted on one file.
    const lines = [...trainPairs.slice(0, 3), { prompt: 'Question: what do cows say?\nAnswer:', chosen: ' Moo.', rejected: ' Woof.' }];
    writeFileSync(data, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    let code: number;
    try {
      const args = ['--model-dir', baseDir, '--data', data, '--output-dir', join(root, 'cli'), '--mode', 'lora', '--lora-rank', '2'];
      code = await main([...args, '--objective', 'dpo', '--dpo-beta', '0.5', '--epochs', '2', '--batch-size', '2']);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(0);
    const parsed = out
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.slice(0, -1).map((m) => typeof m.reward_margin)).toEqual(['number', 'number', 'number', 'number']);
    expect(parsed.at(-1)).toMatchObject({ event: 'done', globalStep: 4, sequences: 4 });
    expect(safetensorsMetadata(join(root, 'cli', 'epoch-2', 'model.safetensors'))).toMatchObject({ dpo_beta: '0.5' });
    await expect(main(['--model-dir', baseDir, '--data', data, '--output-dir', join(root, 'cli2'), '--objective', 'ppo'])).rejects.toThrow(
      /--objective must be one of sft, dpo/,
    );
    // An SFT file given to DPO fails on its first line, naming it.
    writeFileSync(join(root, 'sft.jsonl'), JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }) + '\n');
    await expect(
      main(['--model-dir', baseDir, '--data', join(root, 'sft.jsonl'), '--output-dir', join(root, 'cli3'), '--objective', 'dpo']),
    ).rejects.toThrow(/line 1: prompt must be a string/);
  });

  it('splits pairs, and the reference pass, across worker threads with the same result', () => {
    // As in trainer.spec.ts: swc-registered worker threads cannot start inside vitest's forks, so a real process runs it.
    const out = execFileSync(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, 'threads-check.ts'), join(root, 'threads'), 'dpo'],
      {
        cwd: join(__dirname, '../../../..'),
        encoding: 'utf8',
      },
    );
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as Record<
      string,
      { lossDiff: number; maxWeightDiff: number; firstMargin: number }
    >;
    expect(Object.keys(result)).toEqual(['full', 'lora']);
    for (const [mode, r] of Object.entries(result)) {
      expect(r.lossDiff, mode).toBeLessThan(1e-4);
      expect(r.maxWeightDiff, mode).toBeLessThan(1e-3);
      // The reference's chunks ran on both threads: the first step's policy still scores exactly the same.
      expect(r.firstMargin, mode).toBe(0);
    }
  });
});
