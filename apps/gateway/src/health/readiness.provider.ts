import type { Provider } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ReadinessRegistry } from '@platform/common';
import { healthV1 } from '@platform/contracts';
import { lastValueFrom } from 'rxjs';
import type { DataSource } from 'typeorm';
import { INFERENCE_CLIENT } from '../inference/inference-client';
import { TAXONOMY_CLIENT } from '../taxonomies/taxonomies.controller';
import { SDG_CLIENT } from '../data/data.controller';
import { TRAINING_CLIENT } from '../models/models.controller';
import { EVALUATION_CLIENT } from '../llama-stack/reward-scoring.controller';

async function serving(client: ClientGrpc): Promise<void> {
  const health = client.getService<healthV1.HealthClient>(healthV1.HEALTH_SERVICE_NAME);
  const res = await lastValueFrom(health.check({ service: '' }));
  if (res.status !== healthV1.HealthCheckResponse_ServingStatus.SERVING) throw new Error(`not serving (${res.status})`);
}

export const readinessProvider: Provider = {
  provide: ReadinessRegistry,
  inject: [getDataSourceToken(), TAXONOMY_CLIENT, INFERENCE_CLIENT, SDG_CLIENT, TRAINING_CLIENT, EVALUATION_CLIENT],
  useFactory: (
    db: DataSource,
    taxonomy: ClientGrpc,
    inference: ClientGrpc,
    sdg: ClientGrpc,
    training: ClientGrpc,
    evaluation: ClientGrpc,
  ) => {
    const registry = new ReadinessRegistry();
    registry.add('database', async () => {
      await db.query('SELECT 1');
    });
    registry.add('taxonomy', () => serving(taxonomy));
    registry.add('inference', () => serving(inference));
    registry.add('sdg', () => serving(sdg));
    registry.add('training', () => serving(training));
    registry.add('evaluation', () => serving(evaluation));
    return registry;
  },
};
