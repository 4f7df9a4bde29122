import { Inject, type BeforeApplicationShutdown, type Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';
import { OutboxRelay } from '@platform/events';
import type { ObjectStore } from '@platform/object-store';
import { LOGGER, NATS_CONNECTION, OBJECT_STORE } from '@platform/service';
import type { DataSource } from 'typeorm';
import { DeploymentConfig } from '../../deployment.config';
import { DEPLOYMENT_SCHEMA, INFERENCE } from '../../deployment.tokens';
import { selectReplicaManager } from '../select-manager';
import { DeploymentKeeper } from './deployment-keeper';
import { InferenceRouting } from './pool-routing';

const DEPLOYMENT_KEEPER = 'DEPLOYMENT_KEEPER';

/** Builds the keeper of this process from the service's configuration (its replica manager chosen there). */
export async function startDeploymentKeeper(deps: {
  db: DataSource;
  nc: NatsConnection;
  relay?: { nudge(): void };
  logger: Logger;
  store: ObjectStore;
  inference: inferenceV1.InferenceServiceClient;
  config: DeploymentConfig;
}): Promise<DeploymentKeeper> {
  const { keeper, queue } = deps.config;
  const manager = await selectReplicaManager(deps.config, { store: deps.store, logger: deps.logger });
  const started = new DeploymentKeeper({
    db: deps.db,
    schema: DEPLOYMENT_SCHEMA,
    nc: deps.nc,
    relay: deps.relay,
    logger: deps.logger,
    queue,
    manager,
    routing: new InferenceRouting(deps.inference),
    settings: keeper,
    concurrency: keeper.concurrency,
    leaseMs: keeper.leaseMs,
    heartbeatMs: keeper.heartbeatMs,
    ackWaitMs: keeper.ackWaitMs,
    maxAttempts: keeper.maxAttempts,
  });
  await started.start();
  deps.logger.info({ replicas: manager.kind, concurrency: keeper.concurrency, owner: started.owner }, 'deployment keeper started');
  return started;
}

/**
 * Stops the keeper while the database and NATS are still open: its engine-server processes stop (announced removed)
 * and each deployment goes back to the queue (the platform module stops the relay and NATS afterwards).
 */
class DeploymentKeeperRuntime implements BeforeApplicationShutdown {
  constructor(@Inject(DEPLOYMENT_KEEPER) private readonly keeper: DeploymentKeeper) {}
  async beforeApplicationShutdown(): Promise<void> {
    await this.keeper.stop();
  }
}

/** The deployment module's keeper: `providers: [...keeperProviders]`. */
export const keeperProviders: Provider[] = [
  {
    provide: DEPLOYMENT_KEEPER,
    inject: [getDataSourceToken(), NATS_CONNECTION, OutboxRelay, LOGGER, OBJECT_STORE, INFERENCE, DeploymentConfig.token],
    useFactory: (
      db: DataSource,
      nc: NatsConnection,
      relay: OutboxRelay,
      logger: Logger,
      store: ObjectStore,
      inference: inferenceV1.InferenceServiceClient,
      config: DeploymentConfig,
    ) => startDeploymentKeeper({ db, nc, relay, logger, store, inference, config }),
  },
  DeploymentKeeperRuntime,
];
