import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerStoragePrefix } from '@platform/common';
import type { JobContext } from '@platform/jobs';
import type { ObjectStore } from '@platform/object-store';
import type { DataSource } from 'typeorm';
import { copyPrefix, downloadPrefix, uploadDir } from '../artifacts/object-dirs';
import { tuningCliArgs } from '../executors/builtin-executor';
import { findDataset, stageDatasetRows } from '../datasets/dataset-rows';
import type { EpochCheckpoint, PhaseSettingsForRun, PhaseSpec, StepReport, TrainingExecutor } from '../executors/executor';
import type { ModelJobEntity, StoredCheckpoint, StoredProgress } from '../model-job.entity';
import { modelPrefix } from '../model-jobs.service';
import type { TrainingConfig } from '../training-config';
import type { JobStore } from '../worker/job-store';
import type { RunLog } from '../worker/run-log';
import { runAttempt, Stopped } from '../worker/training-attempt';
import { readTrainingData } from './data-references';
import { datasetRecord } from './dataset-records';
import type { ModelAssets } from './model-assets-client';
import { writeResults } from './results-writer';
import type { StoredTuning, StoredTuningMetric, TuningSettings } from './stored-tuning';
import { rowContainer } from './tuning-container';
import type { TuningJobWrites } from './tuning-job-writes';
import { tuningHyperparameters } from './tunings.service';
import { recordShapes, writeJsonl } from './training-data';

/** A tuning's epoch checkpoints: one phase, as InstructLab's phase 1 (`trained_models/<id>/artifacts/phase1/epoch-N/`). */
export const tuningCheckpointPrefix = (id: string, epoch: number) => `${modelPrefix(id)}artifacts/phase1/epoch-${epoch}/`;
/** The published model: an engine-loadable directory (a prompt tune's holds the base weights and the soft prompt). */
export const tuningResultPrefix = (id: string) => `${modelPrefix(id)}model/`;
/** Post-training checkpoints are also copied into the project's storage, where the Llama Stack artifacts point. */
export const postTrainingCheckpointDir = (projectId: string, jobUuid: string, epoch: number) =>
  `${containerStoragePrefix({ projectId })}post_training/${jobUuid}/epoch-${epoch}/`;

/** What one tuning's single phase trains with (the engine CLI's flags). */
export function tuningRunSettings(s: TuningSettings): PhaseSettingsForRun {
  const h = tuningHyperparameters(s);
  return {
    mode: s.method,
    epochs: s.numEpochs,
    learningRate: s.learningRate,
    batchSize: s.batchSize,
    maxSeqLen: h.maxSeqLen,
    loraRank: s.loraRank,
    loraAlpha: s.loraAlpha,
    warmupSteps: 0,
    seed: s.seed,
    tuning: {
      objective: s.objective,
      dpoBeta: s.objective === 'dpo' ? s.dpoBeta : undefined,
      gradAccumSteps: s.accumulateSteps,
      verbalizer: s.method === 'prompt_tuning' || s.responseTemplate !== '' ? s.verbalizer : undefined,
      responseTemplate: s.responseTemplate || undefined,
      initText: s.method === 'prompt_tuning' && s.initMethod === 'text' ? s.initText : undefined,
      loraTargets: s.loraTargetModules.length > 0 ? s.loraTargetModules : undefined,
      loraMlp: s.loraMlp || undefined,
      maxInputTokens: s.maxInputTokens || undefined,
      maxOutputTokens: s.maxOutputTokens || undefined,
      numVirtualTokens: s.method === 'prompt_tuning' ? s.numVirtualTokens : undefined,
      weightDecay: s.weightDecay || undefined,
    },
  };
}

/** Per-epoch means of the steps this attempt saw. */
class EpochMeans {
  private readonly sums = new Map<number, { loss: number; margin: number; margins: number; n: number }>();
  add(s: StepReport): void {
    const e = this.sums.get(s.epoch) ?? { loss: 0, margin: 0, margins: 0, n: 0 };
    if (Number.isFinite(s.loss)) {
      e.loss += s.loss;
      e.n++;
    }
    if (s.rewardMargin !== undefined && Number.isFinite(s.rewardMargin)) {
      e.margin += s.rewardMargin;
      e.margins++;
    }
    this.sums.set(s.epoch, e);
  }
  metric(epoch: number): StoredTuningMetric {
    const e = this.sums.get(epoch);
    return {
      iteration: epoch - 1,
      loss: e && e.n > 0 ? e.loss / e.n : 0,
      timestamp: new Date().toISOString(),
      ...(e && e.margins > 0 ? { rewardMargin: e.margin / e.margins } : {}),
    };
  }
}

/**
 * Runs a tuning (every kind but InstructLab's): pending while its data and start model are staged, running while the
 * executor trains its one phase (each epoch's checkpoint uploaded and recorded with its metrics before the next),
 * storing while the last checkpoint is published to trained_models/<id>/model/, the results are written into the
 * container's storage and (auto_update_model) the model asset is created, then completed. Everything it needs to
 * resume is in the bucket and the row: a new attempt after a crash continues from the last checkpoint, or from
 * storing once the model was published.
 */
export class TuningTrainer {
  constructor(
    private readonly db: DataSource,
    private readonly store: ObjectStore,
    private readonly jobs: Pick<JobStore, 'find'>,
    private readonly writes: TuningJobWrites,
    private readonly executor: TrainingExecutor,
    private readonly config: TrainingConfig,
    private readonly modelAssets: ModelAssets | undefined,
  ) {}

  async run(job: ModelJobEntity, ctx: JobContext<StoredProgress>): Promise<void> {
    const t = job.tuning;
    if (!t) throw new Error(`job ${job.id} of kind ${job.kind} has no tuning settings`);
    const { signal } = ctx;
    const deps = { store: this.store, jobs: this.jobs, executor: this.executor, workDir: this.config.workDir };
    await runAttempt(job, signal, deps, { kind: job.kind, settings: t.settings }, async (attemptDir, log) => {
      let resultPrefix = t.resultPrefix;
      if (resultPrefix === '') {
        await this.train(job, t, ctx, attemptDir, log);
        resultPrefix = tuningResultPrefix(job.id);
        const last = [...job.checkpoints].sort((a, b) => a.epoch - b.epoch).at(-1);
        if (!last) throw new Error('training ended without a checkpoint');
        await this.store.deletePrefix(resultPrefix);
        await copyPrefix(this.store, last.objectPrefix, resultPrefix);
        log.json({ event: 'published', resultPrefix, fromEpoch: last.epoch });
        if (!(await ctx.write(this.writes.tuning(job.id, { resultPrefix }, 'storing')))) throw new Stopped();
      } else {
        log.json({ event: 'resume_storing', resultPrefix });
        if (!(await ctx.write(this.writes.state(job.id, 'storing')))) throw new Stopped();
      }
      const row = await this.jobs.find(job.id);
      if (!row?.tuning || signal.aborted) throw new Stopped();
      const resultsReference = await writeResults(this.store, row, row.tuning);
      if (resultsReference) {
        log.json({ event: 'results', location: resultsReference.location });
        if (!(await ctx.write(this.writes.tuning(job.id, { resultsReference })))) throw new Stopped();
      }
      if (row.tuning.autoUpdateModel && !row.tuning.modelAssetId) {
        if (!this.modelAssets) throw new Error('auto_update_model needs the deployment service, and none is configured');
        const modelAssetId = await this.modelAssets.createForTuning(row);
        log.json({ event: 'model_asset', modelAssetId });
        if (!(await ctx.write(this.writes.tuning(job.id, { modelAssetId })))) throw new Stopped();
      }
      log.json({ event: 'completed' });
      await log.upload(this.store);
      if (!(await ctx.finish(this.writes.completed(job)))) throw new Stopped();
    });
  }

  /** Trains the one phase to its last epoch, resuming from the newest recorded checkpoint; job.checkpoints grows. */
  private async train(
    job: ModelJobEntity,
    t: StoredTuning,
    ctx: JobContext<StoredProgress>,
    attemptDir: string,
    log: RunLog,
  ): Promise<void> {
    const { signal } = ctx;
    const settings = tuningRunSettings(t.settings);
    const resume = [...job.checkpoints].sort((a, b) => a.epoch - b.epoch).at(-1);
    if (resume?.epoch === settings.epochs) return;
    const progress = (epoch: number, step: number): StoredProgress => ({
      phase: 1,
      epoch,
      epochs: settings.epochs,
      step,
      loss: NaN,
      tokensPerSecond: 0,
    });
    if (!(await ctx.write(this.writes.state(job.id, 'pending', progress(resume?.epoch ?? 0, resume?.globalStep ?? 0)))))
      throw new Stopped();
    const spec = await this.stage(job, t, settings, resume, attemptDir, log);
    if (signal.aborted) throw new Stopped();
    if (!(await ctx.write(this.writes.state(job.id, 'running')))) throw new Stopped();
    const means = new EpochMeans();
    log.json({
      event: 'phase',
      epochs: settings.epochs,
      resumeFromEpoch: spec.resumeFromEpoch,
      mode: settings.mode,
      objective: t.settings.objective,
      // The engine CLI's tuning flags, as the built-in executor passes them (the other executors get the same values).
      flags: settings.tuning ? tuningCliArgs(settings.tuning, settings.mode) : [],
    });
    const started = Date.now();
    const outcome = await this.executor.runPhase(spec, {
      signal,
      log: (line) => log.line(line),
      onStep: (s) => {
        means.add(s);
        log.json({
          step: s.step,
          epoch: s.epoch,
          loss: s.loss,
          lr: s.lr,
          tokens_per_second: s.tokensPerSecond,
          reward_margin: s.rewardMargin,
        });
        ctx.progress({ phase: 1, epoch: s.epoch, epochs: settings.epochs, step: s.step, loss: s.loss, tokensPerSecond: s.tokensPerSecond });
      },
      onCheckpoint: async (c) => {
        job.checkpoints.push(await this.saveCheckpoint(ctx, job, t, c, means.metric(c.epoch), log));
      },
    });
    log.json({ event: 'phase_end', outcome: outcome.status, seconds: (Date.now() - started) / 1000 });
    if (outcome.status === 'canceled') throw new Stopped();
    const last = [...job.checkpoints].sort((a, b) => a.epoch - b.epoch).at(-1);
    if (last?.epoch !== settings.epochs) throw new Error(`training ended without its epoch-${settings.epochs} checkpoint`);
  }

  private async saveCheckpoint(
    ctx: JobContext<StoredProgress>,
    job: ModelJobEntity,
    t: StoredTuning,
    c: EpochCheckpoint,
    metric: StoredTuningMetric,
    log: RunLog,
  ): Promise<StoredCheckpoint> {
    const prefix = tuningCheckpointPrefix(job.id, c.epoch);
    if (c.localDir) await uploadDir(this.store, c.localDir, prefix);
    if (job.kind === 'post_training' && job.projectId) {
      const copy = postTrainingCheckpointDir(job.projectId, t.jobUuid, c.epoch);
      await this.store.deletePrefix(copy);
      if (c.localDir) await uploadDir(this.store, c.localDir, copy);
      else await copyPrefix(this.store, prefix, copy);
    }
    const cp: StoredCheckpoint = { phase: 1, epoch: c.epoch, objectPrefix: prefix, globalStep: c.globalStep, totalSteps: c.totalSteps };
    log.json({ event: 'checkpoint', epoch: c.epoch, objectPrefix: prefix, globalStep: c.globalStep, loss: metric.loss });
    if (!(await ctx.write(this.writes.checkpoint(job.id, cp, metric)))) throw new Stopped();
    await log.upload(this.store).catch(() => undefined);
    return cp;
  }

  /**
   * The data as one JSONL (local path and `trained_models/<id>/data/train.jsonl` for remote executors), the start model
   * and, when resuming, the last checkpoint with the trainer state the engine CLI resumes from.
   */
  private async stage(
    job: ModelJobEntity,
    t: StoredTuning,
    settings: PhaseSettingsForRun,
    resume: StoredCheckpoint | undefined,
    attemptDir: string,
    log: RunLog,
  ): Promise<PhaseSpec> {
    const dataPath = join(attemptDir, 'data', 'train.jsonl');
    const dataKey = `${modelPrefix(job.id)}data/train.jsonl`;
    mkdirSync(join(attemptDir, 'data'), { recursive: true });
    let records: number;
    if (job.kind === 'post_training') {
      const dataset = await findDataset(this.db, job.projectId ?? '', t.datasetId);
      if (!dataset) throw new Error(`dataset ${t.datasetId} was deleted before training started`);
      records = await stageDatasetRows(this.store, dataset, dataPath, (row) => datasetRecord(row, t.settings.objective));
      if (records === 0)
        throw new Error(
          `dataset ${t.datasetId} holds no rows ${t.settings.objective === 'dpo' ? 'with prompt, chosen and rejected' : 'with a dialog or input and output'}`,
        );
    } else {
      const data = await readTrainingData(
        this.store,
        rowContainer(job),
        t.trainingDataReferences,
        recordShapes(job.kind as 'fine_tuning', t.settings.objective),
      );
      await writeJsonl(dataPath, data);
      records = data.length;
    }
    if (!this.executor.local) await uploadDir(this.store, join(attemptDir, 'data'), `${modelPrefix(job.id)}data/`);
    log.json({ event: 'data', records, dataKey });

    const outputDir = join(attemptDir, 'phase1');
    mkdirSync(outputDir, { recursive: true });
    let modelDir = this.config.baseModel.dir;
    const startPrefix = t.startModelPrefix || undefined;
    if (this.executor.local) {
      if (startPrefix) {
        modelDir = join(attemptDir, 'start-model');
        await downloadPrefix(this.store, startPrefix, modelDir);
      }
      if (resume) {
        await downloadPrefix(this.store, resume.objectPrefix, join(outputDir, `epoch-${resume.epoch}`));
        // The engine CLI resumes from its own trainer_state.json: recreate it from the row.
        writeFileSync(
          join(outputDir, 'trainer_state.json'),
          JSON.stringify({
            version: 1,
            mode: settings.mode,
            global_step: resume.globalStep,
            epoch: resume.epoch,
            total_steps: resume.totalSteps,
            checkpoint: `epoch-${resume.epoch}`,
            seed: settings.seed,
            optimizer_state_saved: false,
          }),
        );
        log.json({ event: 'resume', fromEpoch: resume.epoch, objectPrefix: resume.objectPrefix });
      }
      if (!existsSync(join(modelDir, 'config.json'))) throw new Error(`no model at ${modelDir}`);
    }
    return {
      modelId: job.id,
      phase: 1,
      settings,
      dataPath,
      dataKey,
      modelDir,
      modelPrefix: startPrefix,
      outputDir,
      outputPrefix: `${modelPrefix(job.id)}artifacts/phase1/`,
      resumeFromEpoch: resume?.epoch ?? 0,
    };
  }
}
