import { connectGrpcService, type GrpcServiceClient } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { freePort } from '@platform/infra';
import { startInferenceService } from '../main';
import { startEngineServer, type EngineServer } from '@platform/test-fixtures';
import { tinyModelDir } from './tiny-model';

/** The pool name under which the same engine server is reached through the tgi adapter. */
export const TGI_MODEL = 'tiny-tgi';

export interface ServiceOverEngine {
  engine: EngineServer;
  client: GrpcServiceClient<inferenceV1.InferenceServiceClient>;
  close(): Promise<void>;
}

/**
 * The inference service, configured by environment only (no NATS registration), in front of one real engine server
 * serving a tiny model as `model`: as an OpenAI-dialect backend under `model`, and through the tgi adapter under
 * TGI_MODEL. `prepare` may edit the model directory (e.g. its config.json) before the server starts.
 */
export async function startServiceOverEngine(model: string, prepare?: (dir: string) => void): Promise<ServiceOverEngine> {
  const dir = tinyModelDir();
  prepare?.(dir.dir);
  const engine = await startEngineServer({ models: [{ dir: dir.dir, name: model }] });
  process.env.PLATFORM_INFERENCE_BACKENDS = JSON.stringify([{ url: engine.url }]);
  process.env.PLATFORM_INFERENCE_POOLS = JSON.stringify([
    { model_id: TGI_MODEL, replicas: [{ url: engine.url, adapter: 'tgi', backend_model: model }] },
  ]);
  process.env.PLATFORM_INFERENCE_HEALTH_INTERVAL_MS = '200';
  delete process.env.PLATFORM_ENGINE_PORT;
  delete process.env.NATS_URL;
  const grpcUrl = `127.0.0.1:${await freePort()}`;
  const service = await startInferenceService({ grpcUrl, opsPort: await freePort() });
  const client = connectGrpcService<inferenceV1.InferenceServiceClient>('inference', inferenceV1.INFERENCE_SERVICE_NAME, {
    url: grpcUrl,
    deadline: 'long',
  });
  return {
    engine,
    client,
    close: async () => {
      client.close();
      await service.close();
      delete process.env.PLATFORM_INFERENCE_BACKENDS;
      delete process.env.PLATFORM_INFERENCE_POOLS;
      delete process.env.PLATFORM_INFERENCE_HEALTH_INTERVAL_MS;
      await engine.stop();
      dir.remove();
    },
  };
}
