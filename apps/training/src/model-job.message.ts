import { trainingV1 } from '@platform/contracts';
import type { BranchMetrics } from '@platform/events';
import { hyperparametersMessage } from './hyperparameters';
import { baseModelLabel } from './training-config';
import type { ModelJobEntity, ModelJobStatus, StoredCheckpoint } from './model-job.entity';
import type { StoredTuning } from './tunings/stored-tuning';
import { tuningSettingsMessage } from './tunings/tuning-settings';

const STATUS: Record<ModelJobStatus, trainingV1.ModelJobStatus> = {
  queued: trainingV1.ModelJobStatus.MODEL_JOB_STATUS_QUEUED,
  running: trainingV1.ModelJobStatus.MODEL_JOB_STATUS_RUNNING,
  completed: trainingV1.ModelJobStatus.MODEL_JOB_STATUS_COMPLETED,
  canceled: trainingV1.ModelJobStatus.MODEL_JOB_STATUS_CANCELED,
  failed: trainingV1.ModelJobStatus.MODEL_JOB_STATUS_FAILED,
};

const checkpoint = (c: StoredCheckpoint): trainingV1.Checkpoint => ({ phase: c.phase, epoch: c.epoch, objectPrefix: c.objectPrefix });

const branch = (b: BranchMetrics): trainingV1.BranchMetrics => ({
  errorRate: b.error_rate,
  improvements: b.improvements,
  regressions: b.regressions,
  noChange: b.no_change,
});

export function toModelJobMessage(j: ModelJobEntity): trainingV1.ModelJob {
  const m = j.evalMetrics;
  const trained = j.tokensPhase1 + j.tokensPhase2;
  return {
    id: j.id,
    projectId: j.projectId ?? '',
    spaceId: j.spaceId ?? '',
    kind: j.kind,
    tuning: j.tuning ? tuningMessage(j.tuning) : undefined,
    name: j.name,
    baseModel: baseModelLabel(j.baseModel),
    dataId: j.dataId ?? '',
    taxonomyId: j.taxonomyId,
    status: STATUS[j.status],
    state: j.state,
    createdAt: j.createdAt,
    completedAt: j.completedAt ?? undefined,
    runningAt: j.runningAt ?? undefined,
    modifiedAt: j.modifiedAt,
    modelMetrics: {
      mmlu: m ? { overallAverage: m.mmlu.overall_average, scores: m.mmlu.scores } : undefined,
      mmluBranch: m ? branch(m.mmlu_branch) : undefined,
      mtBench: m ? { overallAverage: m.mt_bench.overall_average, errorRate: m.mt_bench.error_rate, scores: m.mt_bench.scores } : undefined,
      mtBenchBranch: m ? branch(m.mt_bench_branch) : undefined,
      tokens: {
        trainingEstimated: j.tokensEstimated,
        trainingTotal: trained,
        trainingPhases: { phase1Knowledge: j.tokensPhase1, phase2Skills: j.tokensPhase2 },
      },
    },
    failureReason: j.failureReason,
    createdBy: j.createdBy,
    hyperparameters: hyperparametersMessage(j.hyperparameters),
    executor: j.executor,
    progress: j.progress
      ? {
          phase: j.progress.phase,
          epoch: j.progress.epoch,
          epochs: j.progress.epochs,
          step: j.progress.step,
          loss: Number.isFinite(j.progress.loss) ? j.progress.loss : 0,
          tokensPerSecond: j.progress.tokensPerSecond,
        }
      : undefined,
    checkpoints: [...j.checkpoints].sort((a, b) => a.phase - b.phase || a.epoch - b.epoch).map(checkpoint),
    bestCheckpoint: j.bestCheckpoint ? checkpoint(j.bestCheckpoint) : undefined,
    outputPrefix: `trained_models/${j.id}/`,
    description: j.description,
    tags: j.tags,
  };
}

const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));

function tuningMessage(t: StoredTuning): trainingV1.Tuning {
  return {
    settings: tuningSettingsMessage(t.settings),
    trainingDataReferencesJson: JSON.stringify(t.trainingDataReferences),
    testDataReferencesJson: JSON.stringify(t.testDataReferences),
    resultsReferenceJson: json(t.resultsReference),
    customJson: json(t.custom),
    autoUpdateModel: t.autoUpdateModel,
    metrics: t.metrics.map((m) => ({
      iteration: m.iteration,
      loss: Number.isFinite(m.loss) ? m.loss : 0,
      timestamp: new Date(m.timestamp),
      ...(m.rewardMargin !== undefined ? { rewardMargin: m.rewardMargin } : {}),
    })),
    modelAssetId: t.modelAssetId,
    jobUuid: t.jobUuid,
    datasetId: t.datasetId,
    validationDatasetId: t.validationDatasetId,
    resultPrefix: t.resultPrefix,
    startModelPrefix: t.startModelPrefix,
  };
}
