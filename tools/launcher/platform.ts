import { join } from 'node:path';
import { spawnService, waitHealthy, type ServiceProcess } from './service-process';
import type { PlatformSecrets } from './secrets';

export interface PlatformPorts {
  gateway: number;
  taxonomyGrpc: number;
  taxonomyOps: number;
  inferenceGrpc: number;
  inferenceOps: number;
}

export interface PlatformOptions {
  dataDir: string;
  ports: PlatformPorts;
  databaseUrl: string;
  natsUrl: string;
  s3: { endpoint: string; bucket: string; accessKey: string; secretKey: string };
  secrets: PlatformSecrets;
  /** The built-in engine server (the embedded default's model server); left out when undefined. */
  engine?: { port: number; models: string };
  /** Extra environment for every process (log level, overrides). */
  env?: NodeJS.ProcessEnv;
}

export interface RunningPlatform {
  gatewayUrl: string;
  processes: ServiceProcess[];
  stop(): Promise<void>;
}

/** Starts every service, then the gateway, and resolves once the gateway reports all of them ready. */
export async function startPlatform(opts: PlatformOptions): Promise<RunningPlatform> {
  const { inferenceGrpc, inferenceOps } = opts.ports;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...opts.env,
    DATABASE_URL: opts.databaseUrl,
    NATS_URL: opts.natsUrl,
    PLATFORM_S3_ENDPOINT: opts.s3.endpoint,
    PLATFORM_S3_BUCKET: opts.s3.bucket,
    PLATFORM_S3_ACCESS_KEY: opts.s3.accessKey,
    PLATFORM_S3_SECRET_KEY: opts.s3.secretKey,
    PLATFORM_PORT: String(opts.ports.gateway),
    PLATFORM_TAXONOMY_GRPC_URL: `127.0.0.1:${opts.ports.taxonomyGrpc}`,
    PLATFORM_TAXONOMY_OPS_PORT: String(opts.ports.taxonomyOps),
    PLATFORM_INFERENCE_GRPC_URL: `127.0.0.1:${inferenceGrpc}`,
    PLATFORM_INFERENCE_OPS_PORT: String(inferenceOps),
    PLATFORM_ADMIN_PASSWORD: opts.secrets.adminPassword,
    PLATFORM_ADMIN_APIKEY: opts.secrets.adminApiKey,
    PLATFORM_JWT_SECRET: opts.secrets.jwtSecret,
    ...(opts.engine ? { PLATFORM_ENGINE_PORT: String(opts.engine.port), PLATFORM_ENGINE_MODELS: opts.engine.models } : {}),
  };
  // Without an engine server the inference service has nothing to discover unless pools or backends are given.
  if (!opts.engine && !env.PLATFORM_INFERENCE_POOLS && !env.PLATFORM_INFERENCE_BACKENDS) env.PLATFORM_INFERENCE_BACKENDS = '[]';
  const logDir = join(opts.dataDir, 'logs');
  const processes: ServiceProcess[] = [];
  const stop = async () => {
    // Gateway first so no new work arrives, then the services it calls.
    for (const p of [...processes].reverse()) await p.stop();
  };
  try {
    // Independent services start side by side; the gateway comes last because its readiness covers them all.
    const starting: Promise<void>[] = [];
    if (opts.engine) {
      const engine = spawnService('engine-server', 'apps/engine-server/src/main.ts', env, logDir);
      processes.push(engine);
      starting.push(waitHealthy(`http://127.0.0.1:${opts.engine.port}/health`, engine, 300_000));
    }
    const taxonomy = spawnService('taxonomy', 'apps/taxonomy/src/main.ts', env, logDir);
    processes.push(taxonomy);
    starting.push(waitHealthy(`http://127.0.0.1:${opts.ports.taxonomyOps}/health`, taxonomy));
    // The inference service discovers the engine server's models on its own, so it need not wait for it.
    const inference = spawnService('inference', 'apps/inference/src/main.ts', env, logDir);
    processes.push(inference);
    starting.push(waitHealthy(`http://127.0.0.1:${inferenceOps}/health`, inference));
    await Promise.all(starting);
    const gateway = spawnService('gateway', 'apps/gateway/src/main.ts', env, logDir);
    processes.push(gateway);
    await waitHealthy(`http://127.0.0.1:${opts.ports.gateway}/health`, gateway);
  } catch (err) {
    await stop();
    throw err;
  }
  return { gatewayUrl: `http://127.0.0.1:${opts.ports.gateway}`, processes, stop };
}
