import { enqueueEvents, type EventEnvelope, type OutboxRelay } from '@platform/events';
import { DataSource, type EntityManager } from 'typeorm';
import { EVALUATION_SCHEMA } from '../evaluation.tokens';
import { EvaluationRunEntity, type RunKind, type RunStatus } from './evaluation-run.entity';

export interface RunKey {
  modelId: string;
  projectId: string;
  kind: RunKind;
  phase: number;
  epoch: number;
  objectPrefix: string;
}

export const naturalKey = (k: Pick<RunKey, 'modelId' | 'kind' | 'objectPrefix'>): string => `${k.kind}:${k.modelId}:${k.objectPrefix}`;

/** Evaluation runs and the events that report them, written together through the outbox. */
export class RunStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
  ) {}

  find(key: Pick<RunKey, 'modelId' | 'kind' | 'objectPrefix'>): Promise<EvaluationRunEntity | null> {
    return this.dataSource.getRepository(EvaluationRunEntity).findOneBy({ naturalKey: naturalKey(key) });
  }

  list(projectId: string, modelId: string): Promise<EvaluationRunEntity[]> {
    return this.dataSource.getRepository(EvaluationRunEntity).find({ where: { projectId, modelId }, order: { createdAt: 'ASC' } });
  }

  /** The run for this key, created `running` if new (a run left `running` by a crash is simply run again). */
  async begin(key: RunKey): Promise<EvaluationRunEntity> {
    const repo = this.dataSource.getRepository(EvaluationRunEntity);
    await repo
      .createQueryBuilder()
      .insert()
      .values({ ...key, naturalKey: naturalKey(key), status: 'running', metrics: null, reason: null })
      .orIgnore()
      .execute();
    return repo.findOneByOrFail({ naturalKey: naturalKey(key) });
  }

  /** Settles a run and enqueues its events in one transaction (inside `handleOnce`'s, when given). */
  async settle(
    run: EvaluationRunEntity,
    change: { status: RunStatus; metrics?: Record<string, unknown>; reason?: string; phase?: number; epoch?: number },
    events: EventEnvelope[],
    manager?: EntityManager,
  ): Promise<void> {
    const write = async (m: EntityManager) => {
      run.status = change.status;
      run.metrics = change.metrics ?? null;
      run.reason = change.reason ?? null;
      if (change.phase !== undefined) run.phase = change.phase;
      if (change.epoch !== undefined) run.epoch = change.epoch;
      await m.getRepository(EvaluationRunEntity).save(run);
      await enqueueEvents(m, EVALUATION_SCHEMA, events);
    };
    if (manager) await write(manager);
    else await this.dataSource.transaction(write);
    this.relay.nudge();
  }
}
