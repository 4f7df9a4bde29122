import { join, resolve } from 'node:path';
import { freePort } from '@platform/infra';
import { startEngineServer } from './engine-server';
import { startServiceProcess, type ServiceProcess } from './service-process';

const ROOT = resolve(__dirname, '../../..');
export const STARTER_MODEL = 'platform/starter-llama';

export interface StarterInference {
  /** The inference service's gRPC address. */
  grpcUrl: string;
  /** Stops the inference service (the engine server keeps running until `stop`). */
  stopInference(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real inference path memory banks use: the engine server (apps/engine-server) serving the starter model
 * (models/starter, 128-dimensional embeddings, 256-token context) behind the inference service (apps/inference),
 * each its own process as the launcher runs them. `model` serves another model directory instead (the turns spec
 * needs a context longer than the starter's 256 tokens to hold a tool prompt); `extraModels` are served beside it by
 * the same engine server (the RAG spec embeds with two models of different widths).
 */
export async function startStarterInference(
  model = { dir: join(ROOT, 'models/starter'), name: STARTER_MODEL },
  extraModels: readonly { dir: string; name: string }[] = [],
): Promise<StarterInference> {
  const engine = await startEngineServer({ models: [model, ...extraModels] });
  const [grpcPort, opsPort] = [await freePort(), await freePort()];
  const grpcUrl = `127.0.0.1:${grpcPort}`;
  let inference: ServiceProcess;
  try {
    inference = await startServiceProcess(
      'inference',
      {
        NATS_URL: '',
        PLATFORM_INFERENCE_GRPC_URL: grpcUrl,
        PLATFORM_INFERENCE_OPS_PORT: String(opsPort),
        PLATFORM_INFERENCE_BACKENDS: JSON.stringify([{ url: engine.url }]),
        PLATFORM_INFERENCE_HEALTH_INTERVAL_MS: '200',
      },
      opsPort,
      { timeoutMs: 120_000 },
    );
  } catch (err) {
    await engine.stop();
    throw err;
  }
  return {
    grpcUrl,
    stopInference: () => inference.stop(),
    stop: async () => {
      await inference.stop();
      await engine.stop();
    },
  };
}
