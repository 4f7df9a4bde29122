import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer, training } from '@platform/engine';
import type { JobContext } from '@platform/jobs';
import type { ObjectStore } from '@platform/object-store';
import { copyPrefix, downloadFile, downloadPrefix, uploadDir } from '../artifacts/object-dirs';
import type { EpochCheckpoint, PhaseSpec, StepReport, TrainingExecutor } from '../executors/executor';
import type { ModelJobEntity, StoredCheckpoint, StoredProgress } from '../model-job.entity';
import { phaseRunSettings } from '../hyperparameters';
import { modelPrefix } from '../model-jobs.service';
import type { TrainingConfig } from '../training-config';
import type { JobStore } from './job-store';
import type { RunLog } from './run-log';
import { runAttempt, Stopped } from './training-attempt';
import type { TrainingJobWrites } from './training-job-writes';

const PHASES = [
  { phase: 1 as const, state: 'knowledge', file: 'knowledge_train_msgs.jsonl' },
  { phase: 2 as const, state: 'skills', file: 'skills_train_msgs.jsonl' },
];

export const checkpointPrefix = (id: string, phase: number, epoch: number) => `${modelPrefix(id)}artifacts/phase${phase}/epoch-${epoch}/`;

/** Tokens one epoch of `dataPath` feeds the trainer, counted with the model's own tokenizer and chat template. */
function epochTokens(modelDir: string, dataPath: string, maxSeqLen: number): number {
  const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8')) as { max_position_embeddings?: number };
  const tokenizer = Tokenizer.fromDir(modelDir);
  const records = training.readInstructLabJsonl(dataPath);
  const ds = training.buildDataset(records, tokenizer, { maxSeqLen: Math.min(maxSeqLen, config.max_position_embeddings ?? maxSeqLen) });
  return ds.sequences.reduce((n, s) => n + s.ids.length, 0);
}

/**
 * Trains one job to the point where evaluation takes over: phase 1 (knowledge) from the base model, phase 2 (skills)
 * from phase 1's last checkpoint, each epoch uploaded and announced before the next is reported. Everything it needs
 * to resume lives in the bucket and the job row, so a new attempt after a crash continues from the last checkpoint.
 * The job runner (@platform/jobs) holds the job's lease around `run` and stops it through `ctx.signal`.
 */
export class ModelTrainer {
  constructor(
    private readonly store: ObjectStore,
    private readonly jobs: Pick<JobStore, 'find'>,
    private readonly writes: TrainingJobWrites,
    private readonly executor: TrainingExecutor,
    private readonly config: TrainingConfig,
  ) {}

  async run(job: ModelJobEntity, ctx: JobContext<StoredProgress>): Promise<void> {
    const { signal } = ctx;
    const deps = { store: this.store, jobs: this.jobs, executor: this.executor, workDir: this.config.workDir };
    await runAttempt(job, signal, deps, {}, async (attemptDir, log) => {
      const checkpoints = [...job.checkpoints];
      for (const p of PHASES) {
        const settings = p.phase === 1 ? job.hyperparameters.phase1 : job.hyperparameters.phase2;
        const done = checkpoints.filter((c) => c.phase === p.phase).sort((a, b) => a.epoch - b.epoch);
        if (done.at(-1)?.epoch === settings.epochs) continue;
        if (signal.aborted) throw new Stopped();
        await ctx.write(
          this.writes.state(job.id, p.state, {
            phase: p.phase,
            epoch: done.at(-1)?.epoch ?? 0,
            epochs: settings.epochs,
            step: done.at(-1)?.globalStep ?? 0,
            loss: NaN,
            tokensPerSecond: 0,
          }),
        );
        const spec = await this.stage(job, p.phase, p.file, checkpoints, attemptDir, log);
        if (this.executor.local)
          await ctx.write(
            this.writes.phaseTokens(
              job.id,
              p.phase,
              settings.epochs * epochTokens(spec.modelDir, spec.dataPath, job.hyperparameters.maxSeqLen),
            ),
          );
        log.json({
          event: 'phase',
          phase: p.phase,
          epochs: settings.epochs,
          resumeFromEpoch: spec.resumeFromEpoch,
          learningRate: settings.learningRate,
        });
        const started = Date.now();
        const outcome = await this.executor.runPhase(spec, {
          signal,
          log: (line) => log.line(line),
          onStep: (s) => this.onStep(ctx, p.phase, settings.epochs, s, log),
          onCheckpoint: async (c) => {
            const saved = await this.saveCheckpoint(ctx, job, p.phase, c, log);
            checkpoints.push(saved);
          },
        });
        log.json({ event: 'phase_end', phase: p.phase, outcome: outcome.status, seconds: (Date.now() - started) / 1000 });
        if (outcome.status === 'canceled') throw new Stopped();
        const last = checkpoints.filter((c) => c.phase === p.phase).at(-1);
        if (last?.epoch !== settings.epochs) throw new Error(`phase ${p.phase} ended without its epoch-${settings.epochs} checkpoint`);
      }
      log.json({ event: 'trained' });
      await log.upload(this.store);
      const candidates = checkpoints.filter((c) => c.phase === 2).sort((a, b) => a.epoch - b.epoch);
      if (!(await ctx.finish(this.writes.trained(job, candidates)))) throw new Stopped();
    });
  }

  /** Every step goes to the run's log; the row's progress is written by the runner, at most once a second. */
  private onStep(ctx: JobContext<StoredProgress>, phase: 1 | 2, epochs: number, s: StepReport, log: RunLog): void {
    log.json({ phase, step: s.step, epoch: s.epoch, loss: s.loss, lr: s.lr, tokens_per_second: s.tokensPerSecond });
    ctx.progress({ phase, epoch: s.epoch, epochs, step: s.step, loss: s.loss, tokensPerSecond: s.tokensPerSecond });
  }

  private async saveCheckpoint(
    ctx: JobContext<StoredProgress>,
    job: ModelJobEntity,
    phase: 1 | 2,
    c: EpochCheckpoint,
    log: RunLog,
  ): Promise<StoredCheckpoint> {
    const prefix = checkpointPrefix(job.id, phase, c.epoch);
    if (c.localDir) await uploadDir(this.store, c.localDir, prefix);
    const cp: StoredCheckpoint = { phase, epoch: c.epoch, objectPrefix: prefix, globalStep: c.globalStep, totalSteps: c.totalSteps };
    log.json({ event: 'checkpoint', phase, epoch: c.epoch, objectPrefix: prefix, globalStep: c.globalStep });
    if (!(await ctx.write(this.writes.checkpoint(job, cp)))) throw new Stopped();
    await log.upload(this.store).catch(() => undefined);
    return cp;
  }

  /** Data, start model and (when resuming) the last checkpoint of the phase, where the executor needs them. */
  private async stage(
    job: ModelJobEntity,
    phase: 1 | 2,
    file: string,
    checkpoints: StoredCheckpoint[],
    attemptDir: string,
    log: RunLog,
  ): Promise<PhaseSpec> {
    const h = job.hyperparameters;
    const dataKey = `data/${job.dataId}/${file}`;
    const dataPath = join(attemptDir, 'data', file);
    const outputDir = join(attemptDir, `phase${phase}`);
    mkdirSync(outputDir, { recursive: true });
    const previous = checkpoints
      .filter((c) => c.phase === 1)
      .sort((a, b) => a.epoch - b.epoch)
      .at(-1);
    const modelPrefixKey = phase === 2 ? previous?.objectPrefix : undefined;
    if (phase === 2 && !modelPrefixKey) throw new Error('phase 2 needs a phase-1 checkpoint');
    let modelDir = this.config.baseModel.dir;
    const resume = checkpoints
      .filter((c) => c.phase === phase)
      .sort((a, b) => a.epoch - b.epoch)
      .at(-1);
    if (this.executor.local) {
      if (!(await this.store.exists(dataKey))) throw new Error(`${dataKey} is missing from the bucket`);
      await downloadFile(this.store, dataKey, dataPath);
      if (modelPrefixKey) {
        modelDir = join(attemptDir, 'start-model');
        await downloadPrefix(this.store, modelPrefixKey, modelDir);
      }
      if (resume) {
        await downloadPrefix(this.store, resume.objectPrefix, join(outputDir, `epoch-${resume.epoch}`));
        // The engine CLI resumes from its own trainer_state.json: recreate it from the row.
        writeFileSync(
          join(outputDir, 'trainer_state.json'),
          JSON.stringify({
            version: 1,
            mode: h.mode,
            global_step: resume.globalStep,
            epoch: resume.epoch,
            total_steps: resume.totalSteps,
            checkpoint: `epoch-${resume.epoch}`,
            seed: h.seed,
            optimizer_state_saved: false,
          }),
        );
        log.json({ event: 'resume', phase, fromEpoch: resume.epoch, objectPrefix: resume.objectPrefix });
      }
      if (!existsSync(join(modelDir, 'config.json'))) throw new Error(`no model at ${modelDir}`);
    }
    return {
      modelId: job.id,
      phase,
      settings: phaseRunSettings(h, phase),
      dataPath,
      dataKey,
      modelDir,
      modelPrefix: modelPrefixKey,
      outputDir,
      outputPrefix: `${modelPrefix(job.id)}artifacts/phase${phase}/`,
      resumeFromEpoch: resume?.epoch ?? 0,
    };
  }
}

/** Copies the chosen checkpoint to trained_models/<id>/model/ (used when evaluation reports). */
export async function publishModel(store: ObjectStore, id: string, objectPrefix: string): Promise<number> {
  const target = `${modelPrefix(id)}model/`;
  await store.deletePrefix(target);
  return copyPrefix(store, objectPrefix, target);
}
