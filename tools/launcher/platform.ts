import { join } from 'node:path';
import { PLATFORM_SERVICES, serviceEnvPrefix, type PlatformServiceName } from '@platform/common';
import { serviceSpec, waitHealthy, type ServiceProcess } from './service-process';
import type { PlatformSecrets } from './secrets';
import { STOP_TIMEOUT_MS, Supervisor } from './supervisor';

/** The domain services the launcher runs (`apps/<name>/src/main.ts`); they start side by side, before the gateway. */
export const LAUNCHED_SERVICES: readonly PlatformServiceName[] = [
  'taxonomy',
  'inference',
  'sdg',
  'training',
  'evaluation',
  'deployment',
  'prompts',
  'notebooks',
  'agents',
  'documents',
];

/**
 * The gateway allocates short-lived objects at a high rate; a young generation twice V8's default (16 → 32 MiB per
 * semi-space, so up to 32 MiB more memory under load) halves its scavenges: CPU per proxied completion 0.50 → 0.38 ms
 * (medians, alternated runs at concurrency 64; 64 MiB gained no more, and the inference service showed no steady gain;
 * tools/bench/inference/README.md). The Dockerfile and the gateway's Kubernetes manifest start it the same way (the
 * deploy-check spec holds them to these flags).
 */
export const GATEWAY_NODE_FLAGS = ['--max-semi-space-size=32'];

export interface ServicePorts {
  grpc: number;
  ops: number;
}

export interface PlatformPorts {
  gateway: number;
  services: Record<PlatformServiceName, ServicePorts>;
}

/** Ports for every service, from a function that hands out one port at a time (fixed defaults or free ports). */
export async function servicePorts(port: (name: PlatformServiceName, kind: keyof ServicePorts) => number | Promise<number>) {
  const ports = {} as Record<PlatformServiceName, ServicePorts>;
  for (const name of Object.keys(PLATFORM_SERVICES) as PlatformServiceName[])
    ports[name] = { grpc: await port(name, 'grpc'), ops: await port(name, 'ops') };
  return ports;
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
  /**
   * Restarts the processes that crash (the caller's, to share one policy with PostgreSQL and NATS). Default: one that
   * logs to stdout and stops the platform's processes when one crashes too often.
   */
  supervisor?: Supervisor;
}

export interface RunningPlatform {
  gatewayUrl: string;
  /** Supervised: a process that crashes is restarted (its `child` is then the new one). */
  processes: ServiceProcess[];
  stop(): Promise<void>;
}

/** Starts every service, then the gateway, and resolves once the gateway reports all of them ready. */
export async function startPlatform(opts: PlatformOptions): Promise<RunningPlatform> {
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
    ...Object.fromEntries(
      Object.entries(opts.ports.services).flatMap(([name, p]) => [
        [`${serviceEnvPrefix(name as PlatformServiceName)}_GRPC_URL`, `127.0.0.1:${p.grpc}`],
        [`${serviceEnvPrefix(name as PlatformServiceName)}_OPS_PORT`, String(p.ops)],
      ]),
    ),
    PLATFORM_ADMIN_PASSWORD: opts.secrets.adminPassword,
    PLATFORM_ADMIN_APIKEY: opts.secrets.adminApiKey,
    PLATFORM_JWT_SECRET: opts.secrets.jwtSecret,
    PLATFORM_SECRETS_KEY: opts.secrets.secretsKey,
    ...(opts.engine
      ? {
          PLATFORM_ENGINE_PORT: String(opts.engine.port),
          PLATFORM_ENGINE_MODELS: opts.engine.models,
          PLATFORM_ENGINE_HEALTH_URL: `http://127.0.0.1:${opts.engine.port}/health`,
        }
      : {}),
  };
  // Work in flight gets half the time to the supervisor's SIGKILL, so the gateway and the services still run their
  // shutdown hooks. The engine server keeps its own drain: the deployment's process replicas inherit this environment.
  env.PLATFORM_DRAIN_TIMEOUT_MS ??= String(STOP_TIMEOUT_MS / 2);
  // The agents service's LanceDB tables live with the rest of the platform's data (not in the OS temp directory).
  env.PLATFORM_VECTOR_INDEX_URI ??= join(opts.dataDir, 'vector-index');
  // Without an engine server the inference service has nothing to discover unless pools or backends are given.
  if (!opts.engine && !env.PLATFORM_INFERENCE_POOLS && !env.PLATFORM_INFERENCE_BACKENDS) env.PLATFORM_INFERENCE_BACKENDS = '[]';
  const dirs = { logDir: join(opts.dataDir, 'logs'), tmpDir: join(opts.dataDir, 'tmp') };
  const processes: ServiceProcess[] = [];
  const stop = async () => {
    // Gateway first so no new work arrives, then the services it calls.
    for (const p of [...processes].reverse()) await p.stop();
  };
  const supervisor =
    opts.supervisor ??
    new Supervisor({
      log: (line) => process.stdout.write(`[platform] ${line}\n`),
      onGiveUp: () => void stop(),
    });
  const launch = async (name: string, entry: string, nodeFlags: string[] = []) => {
    const p = await supervisor.start(serviceSpec(name, entry, env, dirs, [], nodeFlags));
    processes.push(p);
    return p;
  };
  try {
    // Independent services start side by side; the gateway comes last because its readiness covers them all.
    const starting: Promise<void>[] = [];
    if (opts.engine) {
      const engine = await launch('engine-server', 'apps/engine-server/src/main.ts');
      starting.push(waitHealthy(`http://127.0.0.1:${opts.engine.port}/health`, engine, 300_000));
    }
    // The inference service discovers the engine server's models on its own, so it need not wait for it.
    for (const name of LAUNCHED_SERVICES) {
      const service = await launch(name, `apps/${name}/src/main.ts`);
      starting.push(waitHealthy(`http://127.0.0.1:${opts.ports.services[name].ops}/health`, service));
    }
    await Promise.all(starting);
    const gateway = await launch('gateway', 'apps/gateway/src/main.ts', GATEWAY_NODE_FLAGS);
    await waitHealthy(`http://127.0.0.1:${opts.ports.gateway}/health`, gateway);
  } catch (err) {
    await stop();
    throw err;
  }
  return { gatewayUrl: `http://127.0.0.1:${opts.ports.gateway}`, processes, stop };
}
