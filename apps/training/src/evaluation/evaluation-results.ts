import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@platform/common';
import { startConsumer, type EventConsumer, type EventEnvelope } from '@platform/events';
import type { ObjectStore } from '@platform/object-store';
import type { BranchMetricsJson, StoredEvalMetrics } from '../model-job.entity';
import type { TrainingConfig } from '../training-config';
import { evaluationEventCatalog, type ModelEvaluated, type ModelEvaluationFailed } from '../training-events';
import { JobRunner } from '../worker/job-runner';
import type { JobStore } from '../worker/job-store';

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const numbers = (v: unknown): Record<string, number> =>
  v && typeof v === 'object'
    ? Object.fromEntries(
        Object.entries(v as Record<string, unknown>).filter(([, x]) => typeof x === 'number' && Number.isFinite(x)) as [string, number][],
      )
    : {};

function branch(v: unknown): BranchMetricsJson | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  return {
    error_rate: num(o.error_rate),
    improvements: numbers(o.improvements),
    regressions: numbers(o.regressions),
    no_change: numbers(o.no_change),
  };
}

/** Keeps the seed's four benchmark objects (and only numbers inside them) from the evaluation service's payload. */
export function toStoredMetrics(m: Record<string, unknown>): StoredEvalMetrics {
  const out: StoredEvalMetrics = {};
  const mmlu = m.mmlu as Record<string, unknown> | undefined;
  if (mmlu && typeof mmlu === 'object') out.mmlu = { overall_average: num(mmlu.overall_average), scores: numbers(mmlu.scores) };
  const mt = m.mt_bench as Record<string, unknown> | undefined;
  if (mt && typeof mt === 'object')
    out.mt_bench = { overall_average: num(mt.overall_average), error_rate: num(mt.error_rate), scores: numbers(mt.scores) };
  const mb = branch(m.mmlu_branch);
  if (mb) out.mmlu_branch = mb;
  const tb = branch(m.mt_bench_branch);
  if (tb) out.mt_bench_branch = tb;
  return out;
}

/**
 * Finishes jobs from the evaluation service's verdict: the best checkpoint is copied to trained_models/<id>/model/
 * first, then the job turns completed with its metrics (nothing is reported completed before its model is in the
 * bucket). A failed evaluation fails the job. Redeliveries are harmless: only a running job changes.
 */
export async function startEvaluationResults(o: {
  nc: NatsConnection;
  config: TrainingConfig;
  store: ObjectStore;
  jobs: JobStore;
  logger: Logger;
}): Promise<EventConsumer> {
  const events = evaluationEventCatalog(o.config.eventsPrefix);
  return startConsumer<EventEnvelope<ModelEvaluated | ModelEvaluationFailed>>({
    nc: o.nc,
    stream: o.config.eventsStream,
    durable: `${o.config.durablePrefix}-evaluation-results`,
    // One wildcard for both outcomes: filter_subjects needs nats-server 2.10, which not every deployment has.
    filterSubject: `${o.config.eventsPrefix}.evaluation.model.>`,
    ackWait: 120_000,
    // A verdict that arrives before the job is trained (a replayed or early event) waits for it: retried, not lost.
    maxDeliver: 1000,
    nakDelayMs: o.config.evaluationRetryMs,
    logger: o.logger,
    handler: async (event) => {
      const job = await o.jobs.find(event.data.modelId);
      if (!events.is(event, 'evaluation.model.evaluated') && !events.is(event, 'evaluation.model.failed')) return;
      if (!job || job.status !== 'running') return;
      if (job.state !== 'evaluating') throw new Error(`model ${job.id} is still training (${job.state}); evaluation result deferred`);
      if (events.is(event, 'evaluation.model.failed')) {
        await o.jobs.fail(job, `evaluation failed: ${event.data.reason}`);
        return;
      }
      const data = event.data as ModelEvaluated;
      const best = job.checkpoints.find((c) => c.phase === data.bestCheckpoint.phase && c.epoch === data.bestCheckpoint.epoch);
      if (!best) {
        await o.jobs.fail(
          job,
          `evaluation chose phase ${data.bestCheckpoint.phase} epoch ${data.bestCheckpoint.epoch}, which this job never saved`,
        );
        return;
      }
      const copied = await JobRunner.publishModel(o.store, job.id, best.objectPrefix);
      o.logger.info({ modelId: job.id, best: best.objectPrefix, files: copied }, 'best checkpoint published as the model');
      await o.jobs.complete(job, best, toStoredMetrics(data.metrics));
    },
  });
}
