import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@platform/common';
import type { EventEnvelope } from '@platform/events';
import { QueuedJobRunner } from '@platform/jobs';
import type { DataSource } from 'typeorm';
import { DeploymentEntity } from '../../deployments/deployment.entity';
import { lifecycleEvent } from '../../deployments/lifecycle-event';
import { keeperJobSubjects, type KeepDeployment, type KeeperQueueConfig } from '../keeper-queue';
import type { ReplicaManager } from '../replica-manager';
import { FAILURE_CODE } from './deployment-writes';
import { KeeperRun } from './keeper-run';
import type { KeeperSettings } from './keeper-settings';
import type { PoolRouting } from './pool-routing';

export interface DeploymentKeeperOptions {
  db: DataSource;
  /** The deployment service's schema (its tables and outbox). */
  schema: string;
  nc: NatsConnection;
  relay?: { nudge(): void };
  logger: Logger;
  queue: KeeperQueueConfig;
  manager: ReplicaManager;
  routing: PoolRouting;
  settings: KeeperSettings;
  /** Deployments kept at once by this process (0: none, an API-only instance). */
  concurrency: number;
  leaseMs: number;
  heartbeatMs: number;
  ackWaitMs: number;
  maxAttempts: number;
}

/**
 * Keeps deployments' replicas: each deployment is a long job of the platform's job runner (lease, heartbeat, resume
 * by another keeper when this one dies), run by a KeeperRun until the deployment is deleted or fails.
 */
export class DeploymentKeeper {
  private readonly runner: QueuedJobRunner<DeploymentEntity> | undefined;

  constructor(o: DeploymentKeeperOptions) {
    if (o.concurrency <= 0) return;
    const deps = { db: o.db, manager: o.manager, routing: o.routing, settings: o.settings };
    this.runner = new QueuedJobRunner<DeploymentEntity>({
      name: 'deployment-keeper',
      db: o.db,
      nc: o.nc,
      relay: o.relay,
      logger: o.logger,
      table: {
        schema: o.schema,
        entity: DeploymentEntity,
        // A keeper that fails for good (an unexpected error, or too many lost keepers) fails the deployment with it.
        onFail: ["state = 'failed'", `failure_code = '${FAILURE_CODE}'`, 'failure_message = $2', 'status_message = NULL'],
      },
      queue: {
        stream: o.queue.stream,
        subjects: keeperJobSubjects(o.queue),
        durable: o.queue.durable,
        subject: `${o.queue.subjectPrefix}.deployment.keep`,
      },
      jobId: (e: EventEnvelope) => (e.data as Partial<KeepDeployment>).deploymentId,
      failedEvent: (job, reason) => lifecycleEvent('deployment.failed', { ...job, state: 'failed' }, reason),
      run: (job, ctx) => new KeeperRun(deps, job, ctx).run(),
      concurrency: o.concurrency,
      leaseMs: o.leaseMs,
      heartbeatMs: o.heartbeatMs,
      ackWaitMs: o.ackWaitMs,
      maxAttempts: o.maxAttempts,
    });
  }

  get owner(): string | undefined {
    return this.runner?.owner;
  }

  async start(): Promise<void> {
    await this.runner?.start();
  }

  /** Keepers stop: process replicas stop with them, and each deployment goes back to the queue for the next keeper. */
  async stop(): Promise<void> {
    await this.runner?.stop();
  }
}
