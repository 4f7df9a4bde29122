import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@platform/common';
import { startConsumer, type EventConsumer, type EventEnvelope } from '@platform/events';
import type { TrainingConfig } from '../training-config';
import type { JobQueueCatalog, TrainingRun } from '../training-events';
import { WorkerShutdown, type JobRunner } from './job-runner';
import type { JobStore } from './job-store';

/**
 * Pulls jobs from the JetStream work queue; every instance shares one durable consumer, so each job runs on one
 * worker. The message is acked only when the job left the worker's hands (trained, stopped or failed): a worker
 * that dies mid-epoch leaves it unacked, and after the ack wait another worker resumes it from the last checkpoint.
 */
export async function startTrainingWorker(o: {
  nc: NatsConnection;
  config: TrainingConfig;
  queue: JobQueueCatalog;
  jobs: JobStore;
  runner: JobRunner;
  logger: Logger;
}): Promise<EventConsumer> {
  return startConsumer<EventEnvelope<TrainingRun>>({
    nc: o.nc,
    stream: o.config.jobsStream,
    durable: `${o.config.durablePrefix}-workers`,
    filterSubject: o.queue.subject('training.run'),
    concurrency: Math.max(1, o.config.workerConcurrency),
    ackWait: o.config.jobAckWaitMs,
    // Each crash of a worker is one delivery; the job itself fails on its own errors, not by redelivery.
    maxDeliver: 20,
    nakDelayMs: 2000,
    logger: o.logger,
    handler: async (event, ctx) => {
      const { modelId } = event.data;
      const job = await o.jobs.claim(modelId);
      if (!job) return;
      if (job.state === 'evaluating') return;
      o.logger.info({ modelId, attempt: job.attempts, redelivered: ctx.redelivered }, 'training job started');
      try {
        const result = await o.runner.run(job);
        o.logger.info({ modelId, result }, 'training job left the worker');
      } catch (err) {
        // Unacked: the queue hands the job to the next worker, which resumes it.
        if (err instanceof WorkerShutdown) throw err;
        o.logger.error({ modelId, err }, 'training job failed');
        await o.jobs.fail(job, (err as Error).message || String(err));
      }
    },
  });
}
