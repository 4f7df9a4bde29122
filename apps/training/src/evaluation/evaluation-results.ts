import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@platform/common';
import { DeferredEventError, parseModelEvaluated, parseModelEvaluationFailed, startConsumer, type EventConsumer } from '@platform/events';
import type { ObjectStore } from '@platform/object-store';
import type { TrainingConfig } from '../training-config';
import { evaluationEventCatalog } from '../training-events';
import { publishModel } from '../worker/model-trainer';
import type { JobStore } from '../worker/job-store';

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
  return startConsumer({
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
      // A malformed verdict throws PermanentEventError here: the consumer terminates it as poison.
      const failed = events.is(event, 'evaluation.model.failed') ? parseModelEvaluationFailed(event.data) : undefined;
      const data = events.is(event, 'evaluation.model.evaluated') ? parseModelEvaluated(event.data) : undefined;
      const modelId = failed?.modelId ?? data?.modelId;
      if (modelId === undefined) return;
      const job = await o.jobs.find(modelId);
      if (!job || job.status !== 'running') return;
      if (job.state !== 'evaluating')
        throw new DeferredEventError(`model ${job.id} is still training (${job.state}); evaluation result deferred`);
      if (failed) {
        await o.jobs.fail(job, `evaluation failed: ${failed.reason}`);
        return;
      }
      if (!data) return;
      const best = job.checkpoints.find((c) => c.phase === data.bestCheckpoint.phase && c.epoch === data.bestCheckpoint.epoch);
      if (!best) {
        await o.jobs.fail(
          job,
          `evaluation chose phase ${data.bestCheckpoint.phase} epoch ${data.bestCheckpoint.epoch}, which this job never saved`,
        );
        return;
      }
      const copied = await publishModel(o.store, job.id, best.objectPrefix);
      o.logger.info({ modelId: job.id, best: best.objectPrefix, files: copied }, 'best checkpoint published as the model');
      await o.jobs.complete(job, best, data.metrics);
    },
  });
}
