import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelDir } from '../model-dir';
import { readSafetensors } from '../safetensors';
import { PROMPT_TUNING_FILE } from './checkpoint';
import { paramShapes } from './llama-params';
import { createFixtureModel, fixtureRecords, shiftedRecords } from './test-fixture';
import { evaluateLoss, train, type StepMetrics, type TrainOptions } from './trainer';

let root: string;
let baseDir: string;
let baseLoss: number;
/** A model already trained on `records`, the base for the parameter-efficient modes. */
let tunedDir: string;
let tunedShiftedLoss: number;
const records = fixtureRecords();
const shifted = shiftedRecords();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'trainer-spec-'));
  baseDir = join(root, 'base');
  createFixtureModel(baseDir);
  baseLoss = evaluateLoss(baseDir, records);
  const r = await train({
    ...common(join(root, 'pretrain')),
    mode: 'full',
    learningRate: 1e-2,
    epochs: 30,
    batchSize: 2,
    saveEveryEpoch: false,
  });
  tunedDir = r.checkpoints[0];
  tunedShiftedLoss = evaluateLoss(tunedDir, shifted);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function common(outputDir: string): TrainOptions {
  return { modelDir: baseDir, records, outputDir, epochs: 8, batchSize: 4, gradAccumSteps: 1, maxSeqLen: 128, seed: 1, warmupSteps: 2 };
}

function firstLast(metrics: StepMetrics[]): [number, number] {
  const k = 3; // average a few steps: single batches are noisy
  const mean = (xs: StepMetrics[]): number => xs.reduce((s, m) => s + m.loss, 0) / xs.length;
  return [mean(metrics.slice(0, k)), mean(metrics.slice(-k))];
}

describe('train', () => {
  it('full fine-tuning lowers the loss and writes reloadable epoch checkpoints', async () => {
    const out = join(root, 'full');
    const metrics: StepMetrics[] = [];
    const metricsPath = join(root, 'full-metrics.jsonl');
    const r = await train({ ...common(out), mode: 'full', learningRate: 1e-2, metricsPath, onMetrics: (m) => metrics.push(m) });
    expect(r.aborted).toBe(false);
    expect(r.globalStep).toBe(16); // 7 records / batch 4 = 2 steps per epoch
    expect(metrics).toHaveLength(16);
    for (const m of metrics) expect(Object.keys(m)).toEqual(expect.arrayContaining(['step', 'epoch', 'loss', 'lr', 'tokens_per_second']));
    expect(readFileSync(metricsPath, 'utf8').trim().split('\n')).toHaveLength(16);
    const [first, last] = firstLast(metrics);
    expect(last).toBeLessThan(first * 0.7);
    for (let e = 1; e <= 8; e++) {
      for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'])
        expect(existsSync(join(out, `epoch-${e}`, f))).toBe(true);
    }
    const reloaded = loadModelDir(join(out, 'epoch-8'));
    expect([...reloaded.weights.keys()].sort()).toEqual([...paramShapes(reloaded.config).keys()].sort());
    expect(evaluateLoss(join(out, 'epoch-8'), records)).toBeLessThan(baseLoss * 0.7);
    const state = JSON.parse(readFileSync(join(out, 'trainer_state.json'), 'utf8'));
    expect(state).toMatchObject({ global_step: 16, epoch: 8, checkpoint: 'epoch-8', mode: 'full' });
  });

  it('LoRA lowers the loss and saves merged plain Llama weights', async () => {
    const out = join(root, 'lora');
    const metrics: StepMetrics[] = [];
    const r = await train({
      ...common(out),
      modelDir: tunedDir,
      records: shifted,
      mode: 'lora',
      batchSize: 2,
      learningRate: 3e-2,
      loraRank: 4,
      loraAlpha: 8,
      loraMlp: true,
      onMetrics: (m) => metrics.push(m),
    });
    const [first, last] = firstLast(metrics);
    expect(last).toBeLessThan(first * 0.7);
    const dir = r.checkpoints.at(-1)!;
    const names = [...readSafetensors(join(dir, 'model.safetensors')).keys()];
    expect(names.some((n) => n.includes('lora'))).toBe(false);
    expect(evaluateLoss(dir, shifted)).toBeLessThan(tunedShiftedLoss * 0.7);
  });

  it('prompt tuning trains only the soft prompt and saves it on its own', async () => {
    const out = join(root, 'pt');
    const metrics: StepMetrics[] = [];
    const r = await train({
      ...common(out),
      modelDir: tunedDir,
      records: shifted,
      mode: 'prompt_tuning',
      batchSize: 6,
      epochs: 12,
      learningRate: 1e-1,
      numVirtualTokens: 4,
      onMetrics: (m) => metrics.push(m),
    });
    const [first, last] = firstLast(metrics);
    expect(last).toBeLessThan(first);
    const dir = r.checkpoints.at(-1)!;
    const sp = readSafetensors(join(dir, PROMPT_TUNING_FILE)).get('soft_prompt')!;
    expect(sp.shape).toEqual([4, 32]);
    // Base weights are untouched.
    const before = readSafetensors(join(tunedDir, 'model.safetensors'));
    const after = readSafetensors(join(dir, 'model.safetensors'));
    for (const [n, t] of before) expect(after.get(n)!.data).toEqual(t.data);
    // A two-layer model can only be steered a little through its input; the gain is small but must be real.
    expect(evaluateLoss(dir, shifted)).toBeLessThan(tunedShiftedLoss - 0.05);
  });

  it('resumes from trainer_state.json and keeps counting steps', async () => {
    const out = join(root, 'resume');
    const first = await train({ ...common(out), epochs: 2, learningRate: 1e-2 });
    expect(first.globalStep).toBe(4);
    const steps: number[] = [];
    const second = await train({ ...common(out), epochs: 3, learningRate: 1e-2, onMetrics: (m) => steps.push(m.step) });
    expect(second.resumedFrom).toBe(join(out, 'epoch-2'));
    expect(steps).toEqual([5, 6]);
    expect(second.checkpoints).toEqual([join(out, 'epoch-3')]);
  });

  it('resumes prompt tuning from the saved soft prompt over the original base', async () => {
    const out = join(root, 'resume-pt');
    const opts: TrainOptions = {
      ...common(out),
      modelDir: tunedDir,
      records: shifted,
      mode: 'prompt_tuning',
      numVirtualTokens: 2,
      learningRate: 1e-1,
    };
    await train({ ...opts, epochs: 1 });
    const second = await train({ ...opts, epochs: 2 });
    expect(second.resumedFrom).toBe(join(out, 'epoch-1'));
    const sp1 = readSafetensors(join(out, 'epoch-1', PROMPT_TUNING_FILE)).get('soft_prompt')!.data;
    const sp2 = readSafetensors(join(out, 'epoch-2', PROMPT_TUNING_FILE)).get('soft_prompt')!.data;
    expect(sp2).not.toEqual(sp1);
    // Two steps of lr 0.1 from the epoch-1 prompt: every value stays within 2·lr of where it was.
    for (let i = 0; i < sp1.length; i++) expect(Math.abs(sp2[i] - sp1[i])).toBeLessThan(0.21);
  });

  it('gradient accumulation over micro-batches equals one large batch', async () => {
    const a = await train({ ...common(join(root, 'acc-a')), epochs: 1, batchSize: 4, gradAccumSteps: 1, learningRate: 1e-2 });
    const b = await train({ ...common(join(root, 'acc-b')), epochs: 1, batchSize: 2, gradAccumSteps: 2, learningRate: 1e-2 });
    expect(b.globalStep).toBe(a.globalStep);
    const wa = readSafetensors(join(a.checkpoints[0], 'model.safetensors'));
    const wb = readSafetensors(join(b.checkpoints[0], 'model.safetensors'));
    for (const [n, t] of wa) expect(wb.get(n)!.data).toEqual(t.data);
  });

  it('splits micro-batches across worker threads with the same result', () => {
    // Worker threads load the TypeScript sources through @swc-node/register, which cannot run inside vitest's
    // forked test process, so the comparison runs as a real process, the way the CLI runs training.
    const out = execFileSync(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'threads-check.ts'), join(root, 'threads')], {
      cwd: join(__dirname, '../../../..'),
      encoding: 'utf8',
    });
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, { lossDiff: number; maxWeightDiff: number }>;
    expect(Object.keys(result)).toEqual(['full', 'lora', 'prompt_tuning']);
    for (const [mode, r] of Object.entries(result)) {
      expect(r.lossDiff, mode).toBeLessThan(1e-4);
      expect(r.maxWeightDiff, mode).toBeLessThan(1e-3);
    }
  });

  it('stops at the next micro-batch when aborted', async () => {
    const ac = new AbortController();
    const r = await train({ ...common(join(root, 'abort')), learningRate: 1e-2, signal: ac.signal, onMetrics: () => ac.abort() });
    expect(r.aborted).toBe(true);
    expect(r.globalStep).toBe(1);
    expect(r.checkpoints).toEqual([]);
  });
});
