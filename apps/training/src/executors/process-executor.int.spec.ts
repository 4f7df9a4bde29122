import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTinyModel } from '@platform/engine/internals';
import { testRecords, toJsonl } from '../testing/records';
import type { EpochCheckpoint, PhaseSpec, StepReport } from './executor';
import { ProcessExecutor, expandCommand } from './process-executor';

const WORKSPACE = join(__dirname, '../../../..');
const root = mkdtempSync(join(tmpdir(), 'process-executor-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// An operator's external command: here the engine CLI itself, reached only through the template.
const TEMPLATE =
  `cd ${WORKSPACE} && SWC_NODE_PROJECT=tsconfig.json exec node -r @swc-node/register libs/engine/src/training/cli.ts ` +
  '--model-dir {model_dir} --data {data} --output-dir {output_dir} --epochs {epochs} --learning-rate {learning_rate} --batch-size {batch_size} --mode {mode} --seed {seed}';

function spec(name: string, epochs: number, copies = 2): PhaseSpec {
  const dir = join(root, name);
  writeTinyModel(join(dir, 'base'));
  const data = join(dir, 'data.jsonl');
  writeFileSync(data, toJsonl(testRecords(copies)));
  return {
    modelId: name,
    phase: 1,
    settings: {
      mode: 'full',
      epochs,
      learningRate: 1e-3,
      batchSize: 4,
      maxSeqLen: 128,
      loraRank: 4,
      loraAlpha: 8,
      warmupSteps: 0,
      seed: 1,
    },
    dataPath: data,
    dataKey: 'unused',
    modelDir: join(dir, 'base'),
    outputDir: join(dir, 'out'),
    outputPrefix: 'unused/',
    resumeFromEpoch: 0,
  };
}

describe('process executor', () => {
  it('quotes every placeholder for the shell and refuses unknown ones', () => {
    expect(expandCommand('train {data} {epochs}', { data: "/tmp/it's here", epochs: '3' })).toBe(`train '/tmp/it'\\''s here' '3'`);
    expect(() => expandCommand('train {nope}', {})).toThrow(/unknown placeholder \{nope\}/);
  });

  it("follows an external trainer's JSON lines and reports each epoch checkpoint in order", async () => {
    const steps: StepReport[] = [];
    const checkpoints: EpochCheckpoint[] = [];
    const outcome = await new ProcessExecutor(TEMPLATE).runPhase(spec('follow', 2), {
      signal: new AbortController().signal,
      log: () => undefined,
      onStep: (s) => steps.push(s),
      onCheckpoint: async (c) => void checkpoints.push(c),
    });
    expect(outcome).toEqual({ status: 'completed' });
    // 14 records in batches of 4: four steps an epoch.
    expect(steps.map((s) => s.epoch)).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
    expect(checkpoints.map((c) => [c.epoch, c.globalStep, c.totalSteps])).toEqual([
      [1, 4, 8],
      [2, 8, 8],
    ]);
    expect(existsSync(join(checkpoints[1].localDir!, 'model.safetensors'))).toBe(true);
  }, 60_000);

  it('stops the whole command on cancel', async () => {
    const ac = new AbortController();
    const s = spec('cancel', 200, 20);
    const outcome = await new ProcessExecutor(TEMPLATE).runPhase(s, {
      signal: ac.signal,
      log: () => undefined,
      onStep: () => ac.abort(),
      onCheckpoint: async () => undefined,
    });
    expect(outcome).toEqual({ status: 'canceled' });
    expect(existsSync(join(s.outputDir, 'epoch-200'))).toBe(false);
  }, 60_000);

  it('fails with the command’s last error lines', async () => {
    const run = new ProcessExecutor('echo "no GPU found" >&2; exit 3').runPhase(spec('fails', 1), {
      signal: new AbortController().signal,
      log: () => undefined,
      onStep: () => undefined,
      onCheckpoint: async () => undefined,
    });
    await expect(run).rejects.toThrow(/trainer exited with 3: no GPU found/);
  });
});
