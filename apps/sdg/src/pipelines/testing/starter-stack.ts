import type { ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePort } from '@platform/infra';
import { startEngineServer, startServiceProcess, STARTER_MODEL } from '@platform/test-fixtures';

const ROOT = resolve(__dirname, '../../../../..');
export { STARTER_MODEL };

export interface RunningProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The real engine server (apps/engine-server) serving the starter model (models/starter). */
export async function startStarterEngine(extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningProcess> {
  const engine = await startEngineServer({
    models: [{ dir: join(ROOT, 'models/starter'), name: STARTER_MODEL }],
    env: extraEnv,
    startTimeoutMs: 300_000,
  });
  return { url: engine.url, child: engine.child, stop: engine.stop };
}

/** The real inference service (apps/inference) in front of the given model servers; `url` is its gRPC address. */
export async function startInferenceProcess(backends: string[]): Promise<RunningProcess> {
  const url = `127.0.0.1:${await freePort()}`;
  const ops = await freePort();
  const env: NodeJS.ProcessEnv = {
    PLATFORM_INFERENCE_GRPC_URL: url,
    PLATFORM_INFERENCE_OPS_PORT: String(ops),
    PLATFORM_INFERENCE_BACKENDS: JSON.stringify(backends.map((b) => ({ url: b }))),
    PLATFORM_INFERENCE_HEALTH_INTERVAL_MS: '200',
    NATS_URL: '', // configured backends only: no run-time registration
  };
  return { url, ...(await startServiceProcess('inference', env, ops, { timeoutMs: 120_000 })) };
}

/** The real evaluation service (apps/evaluation): its ScoreRewards scores generations with a judge model. */
export async function startEvaluationProcess(env: NodeJS.ProcessEnv): Promise<RunningProcess> {
  const url = `127.0.0.1:${await freePort()}`;
  const ops = await freePort();
  const service = await startServiceProcess(
    'evaluation',
    { PLATFORM_EVALUATION_GRPC_URL: url, PLATFORM_EVALUATION_OPS_PORT: String(ops), ...env },
    ops,
    { timeoutMs: 120_000 },
  );
  return { url, ...service };
}
