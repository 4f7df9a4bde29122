/**
 * Everything the benchmark runs against: its own PostgreSQL, NATS and S3 server; the engine server with a small random
 * model; the fake instant backend; the platform through the launcher (the fake backend's models configured as pools
 * through PLATFORM_INFERENCE_POOLS, the engine server discovered through PLATFORM_INFERENCE_BACKENDS: the platform's
 * own configuration path); nginx in front of the fake backend; an admin token and a project. Processes are pinned as
 * `placement()` says.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { constants as osConstants, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeRandomModel } from '@platform/engine/internals';
import { freePort, startNats, startPostgres, startS3, waitForPort } from '@platform/infra';
import { servicePorts, startPlatform, type RunningPlatform, type Supervisor } from '@platform/launcher';
import { postJson } from './measure';
import { startBareProxy, type BareProxy } from './floors';
import { startNginx } from './nginx';
import { OneAtATimeSupervisor } from './one-at-a-time';
import { pin, pinnedCommand, placement, type Placement } from './pinning';

export const ENGINE_MODEL = 'bench/random-llama';
/** The fake backend's models and their pace (ms between streamed tokens). */
export const FAKE_MODEL = 'bench/fake';
export const FAKE_PACE_MS = 2;
export const IDLE_MODEL = 'bench/fake-idle';
export const IDLE_PACE_MS = 5000;
/** Admission limit of the fake pools: above the most streams the many-streams row holds. */
const FAKE_POOL_CONCURRENCY = 8192;
/** Rate limits far above what the benchmark sends: the limiter still runs on every request, but never refuses. */
const UNLIMITED = { PER_MINUTE: '100000000', BURST: '10000000' };
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface Bench {
  placement: Placement;
  platform: RunningPlatform;
  /** Restarts the platform with extra environment (same database, so the token and the project stay valid). */
  relaunch(env: NodeJS.ProcessEnv): Promise<void>;
  gatewayUrl: string;
  auth: Record<string, string>;
  projectId: string;
  ports: { inferenceGrpc: number };
  engineUrl: string;
  fakeUrl: string;
  /** nginx in front of the fake backend; undefined when nginx is not installed. */
  nginx?: { url: string; pid: number | undefined };
  /** The same two hops as the stack in bare Node, on the proxy's cores (floors.ts). */
  bare: Pick<BareProxy, 'url' | 'pids'>;
  pid: {
    gateway(): number | undefined;
    inference(): number | undefined;
    engine(): number | undefined;
    postgres: number;
    fake: number | undefined;
  };
  stop(): Promise<void>;
}

/**
 * On a loaded 2-core machine the services can miss the launcher's start-up deadline together: then (or at once when the
 * load average is far above the core count) they start one at a time (one-at-a-time.ts), each given up to 5 minutes.
 */
async function launchRetrying(
  launch: (supervisor?: Supervisor) => Promise<RunningPlatform>,
  healthUrl: (name: string) => string | undefined,
) {
  const load = loadavg()[0];
  if (load > 4 * cpus().length) {
    console.error(`load average ${load.toFixed(0)} on ${cpus().length} cores: starting the platform's processes one at a time`);
    return launch(new OneAtATimeSupervisor(healthUrl, 300_000));
  }
  try {
    return await launch();
  } catch (err) {
    console.error(`platform start failed (${err instanceof Error ? err.message : String(err)}); starting its processes one at a time`);
    return launch(new OneAtATimeSupervisor(healthUrl, 300_000));
  }
}

/** `profileDir`: the gateway and the inference service write V8 CPU profiles there when they stop (cpu-profile.ts). */
export async function startBench(profileDir: string | undefined): Promise<Bench> {
  const where = placement();
  const root = mkdtempSync(join(tmpdir(), 'bench-inference-'));
  chmodSync(root, 0o755);
  const stops: (() => unknown)[] = [() => rmSync(root, { recursive: true, force: true })];
  const stop = async () => {
    for (const s of stops.splice(0)) await s();
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  // Stopped by Ctrl-C or kill, the bench still stops what it started: PostgreSQL, NATS and the platform's processes
  // would otherwise run on, holding their ports and the temporary directory.
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`${signal}: stopping the benchmark's servers`);
    void stop().finally(() => process.exit(128 + osConstants.signals[signal]));
  };
  for (const signal of SIGNALS) process.once(signal, onSignal);
  try {
    const modelDir = join(root, 'model');
    writeRandomModel(modelDir, { vocab: 512, hidden: 64, intermediate: 128, layers: 2, heads: 4, kvHeads: 2, maxPositions: 1024 });
    const [pgPort, natsPort, s3Port] = [await freePort(), await freePort(), await freePort()];
    const [pg, nats, s3] = await Promise.all([
      startPostgres({ dataDir: join(root, 'pg'), port: pgPort, database: 'bench' }),
      startNats({ port: natsPort, storeDir: join(root, 'nats') }),
      startS3({ port: s3Port, directory: join(root, 's3'), accessKey: 'bench', secretKey: 'bench-secret', buckets: ['bench'] }),
    ]);
    stops.unshift(
      () => pg.stop(),
      () => nats.stop(),
      () => s3.stop(),
    );

    const fakePort = await freePort();
    const [cmd, ...args] = pinnedCommand(
      [
        process.execPath,
        '-r',
        '@swc-node/register',
        join(__dirname, 'fake-backend.ts'),
        String(fakePort),
        `${FAKE_MODEL}:${FAKE_PACE_MS}`,
        `${IDLE_MODEL}:${IDLE_PACE_MS}`,
      ],
      where.backend,
    );
    const fake = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    stops.unshift(() => fake.kill('SIGTERM'));
    await waitForPort(fakePort, 60_000);
    const fakeUrl = `http://127.0.0.1:${fakePort}`;

    const enginePort = await freePort();
    const engineUrl = `http://127.0.0.1:${enginePort}`;
    const ports = { gateway: await freePort(), services: await servicePorts(() => freePort()) };
    const secrets = {
      adminPassword: 'bench-password',
      adminApiKey: randomBytes(24).toString('base64url'),
      jwtSecret: randomBytes(32).toString('base64url'),
      secretsKey: randomBytes(32).toString('base64'),
    };
    const fakePool = (modelId: string) => ({
      model_id: modelId,
      replicas: [{ url: fakeUrl, adapter: 'openai' }],
      max_concurrency: FAKE_POOL_CONCURRENCY,
      max_queue: 1024,
    });
    const launch = (env: NodeJS.ProcessEnv, supervisor?: Supervisor) =>
      startPlatform({
        supervisor,
        dataDir: root,
        ports,
        databaseUrl: pg.url,
        natsUrl: nats.url,
        s3: { endpoint: s3.endpoint, bucket: 'bench', accessKey: 'bench', secretKey: 'bench-secret' },
        secrets,
        engine: { port: enginePort, models: `${modelDir}:${ENGINE_MODEL}` },
        env: {
          LOG_LEVEL: 'warn',
          PLATFORM_ENGINE_LOG_LEVEL: 'warn',
          PLATFORM_ENGINE_THREADS: '1',
          PLATFORM_INFERENCE_POOLS: JSON.stringify([fakePool(FAKE_MODEL), fakePool(IDLE_MODEL)]),
          PLATFORM_INFERENCE_BACKENDS: JSON.stringify([{ url: engineUrl }]),
          PLATFORM_INFERENCE_MAX_CONCURRENCY: '256',
          PLATFORM_INFERENCE_MAX_QUEUE: '1024',
          // On a shared, overloaded machine a 1 s health probe can time out and eject the only replica mid-run.
          PLATFORM_INFERENCE_PROBE_TIMEOUT_MS: '10000',
          ...Object.fromEntries(
            ['INFERENCE', 'READS'].flatMap((cls) => Object.entries(UNLIMITED).map(([k, v]) => [`PLATFORM_RATE_LIMIT_${cls}_${k}`, v])),
          ),
          ...(profileDir
            ? {
                NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} -r @swc-node/register -r ${join(__dirname, 'cpu-profile.ts')}`.trim(),
                PLATFORM_BENCH_PROFILE_DIR: resolve(profileDir),
                PLATFORM_BENCH_PROFILE_DELAY_MS: process.env.PLATFORM_BENCH_PROFILE_DELAY_MS ?? '0',
              }
            : {}),
          ...env,
        },
      });
    const healthUrl = (name: string) =>
      name === 'gateway'
        ? `http://127.0.0.1:${ports.gateway}/health`
        : name === 'engine-server'
          ? `${engineUrl}/health`
          : name in ports.services
            ? `http://127.0.0.1:${ports.services[name as keyof typeof ports.services].ops}/health`
            : undefined;
    const bench = {} as Bench;
    const pidOf = (name: string) => bench.platform.processes.find((p) => p.name === name)?.child.pid;
    // This process is the load generator and sits with the backends, but what it spawns inherits its mask: the
    // platform starts from it while it may use every core, and then each process is placed.
    const launchPlaced = async (env: NodeJS.ProcessEnv) => {
      pin(process.pid, where.all);
      bench.platform = await launchRetrying((supervisor) => launch(env, supervisor), healthUrl);
      for (const name of ['gateway', 'inference']) pin(pidOf(name), where.proxy);
      pin(pidOf('engine-server'), where.backend);
      pin(process.pid, where.backend);
    };
    // A launch's processes are known only once it returns: stopping waits for the one under way.
    let launching = launchPlaced({});
    stops.unshift(async () => {
      await launching.catch(() => undefined);
      await bench.platform?.stop();
    });
    await launching;
    bench.relaunch = (env) =>
      (launching = (async () => {
        await bench.platform.stop();
        await launchPlaced(env);
      })());

    const nginx = await startNginx(join(root, 'nginx'), await freePort(), fakePort, where.proxy);
    if (nginx) stops.unshift(() => nginx.stop());
    const bare = await startBareProxy(fakeUrl, where.proxy);
    stops.unshift(() => bare.stop());

    const gatewayUrl = bench.platform.gatewayUrl;
    const login = (await postJson(`${gatewayUrl}/icp4d-api/v1/authorize`, { username: 'admin', password: secrets.adminPassword })) as {
      token: string;
    };
    const auth = { authorization: `Bearer ${login.token}` };
    const created = await fetch(`${gatewayUrl}/v2/projects`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"name":"bench"}',
    });
    if (!created.ok) throw new Error(`POST /v2/projects: ${created.status} ${await created.text()}`);
    const project = (await created.json()) as { metadata: { guid: string } };
    const postmaster = Number(readFileSync(join(root, 'pg', 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Object.assign(bench, {
      placement: where,
      gatewayUrl,
      auth,
      projectId: project.metadata.guid,
      ports: { inferenceGrpc: ports.services.inference.grpc },
      engineUrl,
      fakeUrl,
      nginx: nginx && { url: nginx.url, pid: nginx.pid },
      bare: { url: bare.url, pids: bare.pids },
      pid: {
        gateway: () => pidOf('gateway'),
        inference: () => pidOf('inference'),
        engine: () => pidOf('engine-server'),
        postgres: postmaster,
        fake: fake.pid,
      },
      stop,
    });
  } catch (err) {
    await stop();
    throw err;
  }
}
