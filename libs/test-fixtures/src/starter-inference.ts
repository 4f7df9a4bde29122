import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { childGone, freePort, waitForHealth } from '@platform/infra';
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
  const enginePort = await freePort();
  const engine = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/engine-server/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      PLATFORM_ENGINE_PORT: String(enginePort),
      PLATFORM_ENGINE_MODELS: [model, ...extraModels].map((m) => `${m.dir}:${m.name}`).join(','),
      PLATFORM_ENGINE_THREADS: '1',
      PLATFORM_ENGINE_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const engineExited = new Promise<void>((r) => engine.once('exit', () => r()));
  const stopEngine = async () => {
    if (engine.exitCode === null && engine.signalCode === null) engine.kill('SIGTERM');
    await engineExited;
  };
  const engineUrl = `http://127.0.0.1:${enginePort}`;
  await waitForHealth(`${engineUrl}/health`, { name: 'the engine server', timeoutMs: 120_000, gone: () => childGone(engine) }).catch(
    async (err: unknown) => {
      await stopEngine();
      throw err;
    },
  );
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
        PLATFORM_INFERENCE_BACKENDS: JSON.stringify([{ url: engineUrl }]),
        PLATFORM_INFERENCE_HEALTH_INTERVAL_MS: '200',
      },
      opsPort,
      120_000,
    );
  } catch (err) {
    await stopEngine();
    throw err;
  }
  return {
    grpcUrl,
    stopInference: () => inference.stop(),
    stop: async () => {
      await inference.stop();
      await stopEngine();
    },
  };
}
