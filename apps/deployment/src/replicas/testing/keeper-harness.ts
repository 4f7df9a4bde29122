import { connectGrpcService, createLogger, serviceDataSourceOptions, type GrpcServiceClient } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { eventsStream, eventsSubjectPrefix, outboxMigration, startOutboxRelay, stopOutboxRelay } from '@platform/events';
import { createObjectStoreFromEnv } from '@platform/object-store';
import { connect } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { ModelAssetEntity } from '../../assets/model-asset.entity';
import { DeploymentConfig } from '../../deployment.config';
import { DEPLOYMENT_SCHEMA } from '../../deployment.tokens';
import { DeploymentEntity } from '../../deployments/deployment.entity';
import { DEPLOYMENT_MIGRATIONS } from '../../migrations/deployment-migrations';
import { keeperJobSubjects } from '../keeper-queue';
import type { DeploymentKeeper } from '../keeper/deployment-keeper';
import { startDeploymentKeeper } from '../keeper/keeper-providers';
import { ReplicaEntity } from '../replica.entity';

/** The deployment service's schema, migrated, as its module opens it. */
export async function openDeploymentDatabase(url: string): Promise<DataSource> {
  const db = new DataSource(
    await serviceDataSourceOptions({
      url,
      schema: DEPLOYMENT_SCHEMA,
      entities: [DeploymentEntity, ReplicaEntity, ModelAssetEntity],
      migrations: [outboxMigration(DEPLOYMENT_SCHEMA), ...DEPLOYMENT_MIGRATIONS],
    }),
  );
  return db.initialize();
}

export interface RunningKeeper {
  keeper: DeploymentKeeper;
  close(): Promise<void>;
}

/**
 * A deployment keeper wired as the service wires it (database, outbox relay into the events and keeper streams,
 * object store, inference client, the configured replica manager), configured by environment only.
 */
export async function startKeeperFromEnv(): Promise<RunningKeeper> {
  const config = DeploymentConfig.load();
  const logger = createLogger('deployment-keeper');
  const db = await openDeploymentDatabase(process.env.DATABASE_URL ?? '');
  const nc = await connect({ servers: process.env.NATS_URL });
  const relay = await startOutboxRelay({
    dataSource: db,
    schema: DEPLOYMENT_SCHEMA,
    nc,
    logger,
    streams: [
      { name: eventsStream(), subjects: [`${eventsSubjectPrefix()}.>`] },
      { name: config.queue.stream, subjects: keeperJobSubjects(config.queue), retention: 'workqueue' },
    ],
  });
  const inference: GrpcServiceClient<inferenceV1.InferenceServiceClient> = connectGrpcService(
    'inference',
    inferenceV1.INFERENCE_SERVICE_NAME,
  );
  const keeper = await startDeploymentKeeper({
    db,
    nc,
    relay,
    logger,
    store: createObjectStoreFromEnv(),
    inference: inference.service,
    config,
  });
  return {
    keeper,
    close: async () => {
      await keeper.stop();
      inference.close();
      await stopOutboxRelay(relay, nc);
      await db.destroy();
    },
  };
}
