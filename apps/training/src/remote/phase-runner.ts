/**
 * One training phase inside a Kubernetes Job's pod: stages its inputs from the bucket, trains with the engine's CLI
 * (or PLATFORM_TRAINING_PROCESS_COMMAND, e.g. InstructLab's trainer on a GPU node) and uploads each epoch to
 * PLATFORM_PHASE_OUTPUT_PREFIX as soon as it is written, weights last, then `trainer_state.json`. A retried pod resumes
 * from PLATFORM_PHASE_RESUME_EPOCH or the newest epoch already uploaded.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuBudget } from '@platform/common/cpu-budget';
import { createObjectStoreFromEnv, type ObjectStore } from '@platform/object-store';
import { downloadFile, downloadPrefix, uploadDir } from '../artifacts/object-dirs';
import { BuiltinExecutor } from '../executors/builtin-executor';
import type { PhaseSpec, TrainingExecutor, TrainMode, TuningRunSettings } from '../executors/executor';
import { ProcessExecutor } from '../executors/process-executor';

type Env = Readonly<Record<string, string | undefined>>;

function need(env: Env, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
}

async function newestUploadedEpoch(store: ObjectStore, prefix: string): Promise<number> {
  let newest = 0;
  for await (const key of store.list(prefix)) {
    const m = /epoch-(\d+)\/model\.safetensors$/.exec(key);
    if (m) newest = Math.max(newest, Number(m[1]));
  }
  return newest;
}

export async function runPhase(env: Env = process.env, store: ObjectStore = createObjectStoreFromEnv()): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'phase-'));
  try {
    const outputPrefix = need(env, 'PLATFORM_PHASE_OUTPUT_PREFIX');
    const dataKey = need(env, 'PLATFORM_PHASE_DATA_KEY');
    const dataPath = join(work, 'data.jsonl');
    await downloadFile(store, dataKey, dataPath);
    let modelDir = resolve(env.PLATFORM_PHASE_MODEL_DIR ?? 'models/starter');
    if (env.PLATFORM_PHASE_MODEL_PREFIX) {
      modelDir = join(work, 'start-model');
      await downloadPrefix(store, env.PLATFORM_PHASE_MODEL_PREFIX, modelDir);
    }
    const outputDir = join(work, 'out');
    const resumeFrom = Math.max(Number(env.PLATFORM_PHASE_RESUME_EPOCH ?? 0), await newestUploadedEpoch(store, outputPrefix));
    if (resumeFrom > 0) {
      await downloadPrefix(store, `${outputPrefix}epoch-${resumeFrom}/`, join(outputDir, `epoch-${resumeFrom}`));
      const state = (await store.exists(`${outputPrefix}trainer_state.json`))
        ? (JSON.parse((await store.getBuffer(`${outputPrefix}trainer_state.json`, 1 << 20)).toString('utf8')) as Record<string, unknown>)
        : { global_step: 0, total_steps: 0 };
      writeFileSync(
        join(outputDir, 'trainer_state.json'),
        JSON.stringify({
          ...state,
          version: 1,
          mode: env.PLATFORM_PHASE_MODE ?? 'full',
          epoch: resumeFrom,
          checkpoint: `epoch-${resumeFrom}`,
          optimizer_state_saved: false,
        }),
      );
    }
    const spec: PhaseSpec = {
      modelId: need(env, 'PLATFORM_PHASE_MODEL_ID'),
      phase: env.PLATFORM_PHASE === '2' ? 2 : 1,
      settings: {
        mode: (env.PLATFORM_PHASE_MODE ?? 'full') as TrainMode,
        epochs: Number(need(env, 'PLATFORM_PHASE_EPOCHS')),
        learningRate: Number(need(env, 'PLATFORM_PHASE_LEARNING_RATE')),
        batchSize: Number(env.PLATFORM_PHASE_BATCH_SIZE ?? 8),
        maxSeqLen: Number(env.PLATFORM_PHASE_MAX_SEQ_LEN ?? 512),
        warmupSteps: Number(env.PLATFORM_PHASE_WARMUP_STEPS ?? 0),
        seed: Number(env.PLATFORM_PHASE_SEED ?? 42),
        loraRank: Number(env.PLATFORM_PHASE_LORA_RANK ?? 8),
        loraAlpha: Number(env.PLATFORM_PHASE_LORA_ALPHA ?? 16),
        ...(env.PLATFORM_PHASE_TUNING ? { tuning: JSON.parse(env.PLATFORM_PHASE_TUNING) as TuningRunSettings } : {}),
      },
      dataPath,
      dataKey,
      modelDir,
      modelPrefix: env.PLATFORM_PHASE_MODEL_PREFIX,
      outputDir,
      outputPrefix,
      resumeFromEpoch: resumeFrom,
    };
    const executor: TrainingExecutor = env.PLATFORM_TRAINING_PROCESS_COMMAND
      ? new ProcessExecutor(env.PLATFORM_TRAINING_PROCESS_COMMAND)
      : new BuiltinExecutor(Number(env.PLATFORM_TRAINING_THREADS ?? cpuBudget()));
    const ac = new AbortController();
    process.once('SIGTERM', () => ac.abort());
    const outcome = await executor.runPhase(spec, {
      signal: ac.signal,
      log: (line) => process.stderr.write(line + '\n'),
      onStep: (s) =>
        process.stdout.write(
          JSON.stringify({
            step: s.step,
            epoch: s.epoch,
            loss: s.loss,
            lr: s.lr,
            tokens_per_second: s.tokensPerSecond,
            ...(s.rewardMargin !== undefined ? { reward_margin: s.rewardMargin } : {}),
          }) + '\n',
        ),
      onCheckpoint: async (c) => {
        if (c.localDir) await uploadDir(store, c.localDir, `${outputPrefix}epoch-${c.epoch}/`);
        await store.put(
          `${outputPrefix}trainer_state.json`,
          Buffer.from(JSON.stringify({ epoch: c.epoch, global_step: c.globalStep, total_steps: c.totalSteps })),
          'application/json',
        );
      },
    });
    return outcome.status === 'completed' ? 0 : 130;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runPhase().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
