import { status as GrpcStatus } from '@grpc/grpc-js';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@platform/common';
import { failureReason } from '@platform/jobs';
import {
  errorFields,
  handleOnce,
  parseCheckpointSaved,
  parseJobTrained,
  startConsumer,
  wasProcessed,
  type ConsumerContext,
  type EventEnvelope,
  type TrainingCheckpointSaved,
  type TrainingJobTrained,
} from '@platform/events';
import type { DataSource } from 'typeorm';
import type { EventNames } from '../evaluation-event-names';
import { EVALUATION_SCHEMA } from '../evaluation.tokens';
import { evaluateCheckpoint } from '../pipeline/evaluate-checkpoint';
import { evaluateTrainedModel, type PipelineDeps } from '../pipeline/evaluate-trained-model';
import type { RunStore } from '../runs/run-store';
import { eventMetrics } from './event-metrics';

export interface TrainingConsumerOptions {
  nc: NatsConnection;
  dataSource: DataSource;
  runs: RunStore;
  deps: Omit<PipelineDeps, 'progress'>;
  logger: Logger;
  names: EventNames;
}

const MAX_DELIVER = 5;
/** Transient failures (the inference or taxonomy service briefly away) are retried this often before the job fails. */
const RETRY_DELIVERIES = 3;

function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === GrpcStatus.UNAVAILABLE || code === GrpcStatus.DEADLINE_EXCEEDED || code === GrpcStatus.RESOURCE_EXHAUSTED;
}

/** The service is stopping: the evaluation is abandoned and the event handed back for another instance. */
export class EvaluationInterrupted extends Error {
  constructor() {
    super('the evaluation service is stopping');
  }
}

function reasonOf(err: unknown): string {
  const e = err as { details?: unknown; message?: unknown };
  return String((typeof e.details === 'string' && e.details) || e.message || err);
}

/**
 * Consumes the training service's events on one shared durable consumer (every instance splits the work):
 * `training.job.trained` → the model's evaluation; phase-1 `training.checkpoint.saved` → MMLU when configured,
 * otherwise (and for phase 2) a recorded run. Each event is applied once: redeliveries are skipped by the inbox
 * and a republished event finds its settled run by the natural key. The consumer's in-progress acks keep the lease
 * while an evaluation runs for minutes.
 */
export async function startTrainingConsumer(o: TrainingConsumerOptions): Promise<TrainingWorker> {
  const { evaluation: evaluationEvents, training: trainingEvents } = o.names;
  const stopping = new AbortController();
  const progress = (ctx: ConsumerContext) => () => {
    if (stopping.signal.aborted) throw new EvaluationInterrupted();
    try {
      ctx.working();
    } catch {
      // the periodic in-progress ack covers it
    }
  };

  async function fail(
    event: EventEnvelope,
    run: Parameters<RunStore['settle']>[0],
    modelId: string,
    projectId: string,
    err: unknown,
    ctx: ConsumerContext,
    modelLevel: boolean,
  ) {
    if (err instanceof EvaluationInterrupted || (isTransient(err) && ctx.deliveryCount < RETRY_DELIVERIES)) throw err;
    const reason = failureReason(`evaluation failed: ${reasonOf(err)}`);
    o.logger.warn({ ...errorFields(err), modelId, eventId: event.id }, 'evaluation failed');
    await handleOnce(o.dataSource, EVALUATION_SCHEMA, event.id, (m) =>
      o.runs.settle(
        run,
        { status: 'failed', reason },
        modelLevel ? [evaluationEvents.create('evaluation.model.failed', { modelId, projectId, reason }, { traceId: event.traceId })] : [],
        m,
      ),
    );
  }

  async function onTrained(event: EventEnvelope, ev: TrainingJobTrained, ctx: ConsumerContext): Promise<void> {
    const key = {
      modelId: ev.modelId,
      projectId: ev.projectId,
      kind: 'model' as const,
      phase: 0,
      epoch: 0,
      objectPrefix: `trained_models/${ev.modelId}/`,
    };
    const run = await o.runs.begin(key);
    if (run.status !== 'running') return;
    o.logger.info({ modelId: ev.modelId, candidates: ev.candidates.length, eventId: event.id }, 'evaluating trained model');
    let result;
    try {
      result = await evaluateTrainedModel({ ...o.deps, progress: progress(ctx) }, ev);
    } catch (err) {
      return fail(event, run, ev.modelId, ev.projectId, err, ctx, true);
    }
    const { bestCheckpoint, metrics } = result;
    await handleOnce(o.dataSource, EVALUATION_SCHEMA, event.id, (m) =>
      o.runs.settle(
        run,
        {
          status: 'evaluated',
          metrics: { bestCheckpoint, model_metrics: metrics },
          phase: bestCheckpoint.phase,
          epoch: bestCheckpoint.epoch,
        },
        [
          evaluationEvents.create(
            'evaluation.model.evaluated',
            { modelId: ev.modelId, projectId: ev.projectId, bestCheckpoint, metrics: eventMetrics(metrics) },
            { traceId: event.traceId },
          ),
        ],
        m,
      ),
    );
    o.logger.info(
      { modelId: ev.modelId, bestCheckpoint, mtBench: metrics.mt_bench.overall_average, mmlu: metrics.mmlu.overall_average },
      'trained model evaluated',
    );
  }

  async function onCheckpoint(event: EventEnvelope, ev: TrainingCheckpointSaved, ctx: ConsumerContext): Promise<void> {
    const run = await o.runs.begin({
      modelId: ev.modelId,
      projectId: ev.projectId,
      kind: 'checkpoint',
      phase: ev.phase,
      epoch: ev.epoch,
      objectPrefix: ev.objectPrefix,
    });
    if (run.status !== 'running') return;
    if (ev.phase !== 1 || o.deps.settings.phase1 !== 'mmlu') {
      // Phase-2 checkpoints are compared on `training.job.trained`; recording them keeps the history inspectable.
      await handleOnce(o.dataSource, EVALUATION_SCHEMA, event.id, (m) => o.runs.settle(run, { status: 'evaluated', metrics: {} }, [], m));
      return;
    }
    let mmlu;
    try {
      mmlu = await evaluateCheckpoint({ ...o.deps, progress: progress(ctx) }, ev);
    } catch (err) {
      return fail(event, run, ev.modelId, ev.projectId, err, ctx, false);
    }
    await handleOnce(o.dataSource, EVALUATION_SCHEMA, event.id, (m) =>
      o.runs.settle(
        run,
        { status: 'evaluated', metrics: { mmlu } },
        [evaluationEvents.create('evaluation.checkpoint.evaluated', { ...ev, mmlu }, { traceId: event.traceId })],
        m,
      ),
    );
  }

  const consumer = await startConsumer({
    nc: o.nc,
    stream: o.names.stream,
    durable: o.names.durable,
    filterSubject: `${trainingEvents.subjectPrefix}.training.>`,
    maxDeliver: MAX_DELIVER,
    nakDelayMs: (n) => Math.min(30_000, 2000 * n),
    logger: o.logger,
    handler: async (event, ctx) => {
      if (await wasProcessed(o.dataSource, EVALUATION_SCHEMA, event.id)) return;
      if (trainingEvents.is(event, 'training.job.trained')) return onTrained(event, parseJobTrained(event.data), ctx);
      if (trainingEvents.is(event, 'training.checkpoint.saved')) return onCheckpoint(event, parseCheckpointSaved(event.data), ctx);
    },
  });
  return {
    stop: async () => {
      // A running evaluation stops at its next item (its replicas are withdrawn) and its event is redelivered.
      stopping.abort();
      await consumer.stop();
    },
  };
}

export interface TrainingWorker {
  stop(): Promise<void>;
}
