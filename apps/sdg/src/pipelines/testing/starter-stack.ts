import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { childGone, freePort, waitForHealth } from '@platform/infra';

const ROOT = resolve(__dirname, '../../../../..');
export const STARTER_MODEL = 'platform/starter-llama';

export interface RunningProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

function spawnTs(entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const waitHealthy = (url: string, child: ChildProcess, name: string, timeoutMs = 120_000) =>
  waitForHealth(url, { name, timeoutMs, gone: () => childGone(child) });

function stopper(child: ChildProcess): () => Promise<void> {
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
}

/** The real engine server (apps/engine-server) serving the starter model (models/starter). */
export async function startStarterEngine(extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningProcess> {
  const port = await freePort();
  const child = spawnTs('apps/engine-server/src/main.ts', {
    ...process.env,
    PLATFORM_ENGINE_PORT: String(port),
    PLATFORM_ENGINE_MODELS: `${join(ROOT, 'models/starter')}:${STARTER_MODEL}`,
    PLATFORM_ENGINE_THREADS: '1',
    PLATFORM_ENGINE_LOG_LEVEL: 'warn',
    PLATFORM_ENGINE_DRAIN_TIMEOUT_MS: '500',
    ...extraEnv,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(`${url}/health`, child, 'engine server', 300_000);
  return { url, child, stop: stopper(child) };
}

/** The real inference service (apps/inference) in front of the given model servers; `url` is its gRPC address. */
export async function startInferenceProcess(backends: string[]): Promise<RunningProcess> {
  const grpc = `127.0.0.1:${await freePort()}`;
  const ops = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: 'warn',
    PLATFORM_INFERENCE_GRPC_URL: grpc,
    PLATFORM_INFERENCE_OPS_PORT: String(ops),
    PLATFORM_INFERENCE_BACKENDS: JSON.stringify(backends.map((url) => ({ url }))),
    PLATFORM_INFERENCE_HEALTH_INTERVAL_MS: '200',
  };
  delete env.NATS_URL; // configured backends only: no run-time registration
  const child = spawnTs('apps/inference/src/main.ts', env);
  await waitHealthy(`http://127.0.0.1:${ops}/health`, child, 'inference service');
  return { url: grpc, child, stop: stopper(child) };
}

/** The real evaluation service (apps/evaluation): its ScoreRewards scores generations with a judge model. */
export async function startEvaluationProcess(env: NodeJS.ProcessEnv): Promise<RunningProcess> {
  const grpc = `127.0.0.1:${await freePort()}`;
  const ops = await freePort();
  const child = spawnTs('apps/evaluation/src/main.ts', {
    ...process.env,
    LOG_LEVEL: 'warn',
    PLATFORM_EVALUATION_GRPC_URL: grpc,
    PLATFORM_EVALUATION_OPS_PORT: String(ops),
    ...env,
  });
  await waitHealthy(`http://127.0.0.1:${ops}/health`, child, 'evaluation service');
  return { url: grpc, child, stop: stopper(child) };
}
