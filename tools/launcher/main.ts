import { chmodSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startS3 } from '@platform/infra';
import { envInt, PLATFORM_SERVICES, serviceEnvPrefix } from '@platform/common';
import { ensureConsoleBuilt } from './console-build';
import { natsProcess, postgresProcess } from './infra-processes';
import { servicePorts, startPlatform } from './platform';
import { loadSecrets } from './secrets';
import { recordProcesses, stopOrphans } from './orphans';
import { serviceLogFile, WORKSPACE_ROOT } from './service-process';
import { SupervisionConfig } from './supervision-config';
import { Supervisor, type SupervisedProcess } from './supervisor';

/** The starter model the repository ships (see models/starter/README.md), served under this name. */
const DEFAULT_ENGINE_MODELS = `${join(WORKSPACE_ROOT, 'models/starter')}:platform/starter-llama`;

/**
 * `npm start`: the embedded default. Real PostgreSQL, NATS JetStream and an S3-compatible server under the data
 * directory (each replaced by DATABASE_URL, NATS_URL or PLATFORM_S3_ENDPOINT when given), then every service. Every
 * process is supervised: one that crashes is restarted while the others keep serving (PLATFORM_RESTART_*).
 */
async function main(): Promise<void> {
  const dataDir = resolve(process.env.PLATFORM_DATA_DIR ?? '.data');
  mkdirSync(dataDir, { recursive: true });
  chmodSync(dataDir, 0o755); // PostgreSQL runs as its own user and must reach its folder inside
  stopOrphans(dataDir);
  const secrets = loadSecrets(dataDir);
  // The embedded default runs on one machine whose own repositories are the natural document sources.
  process.env.PLATFORM_ALLOW_PRIVATE_GIT ||= 'true';
  const stops: (() => Promise<void>)[] = [];
  const s3Bucket = process.env.PLATFORM_S3_BUCKET || 'instructlab';
  const s3Keys = {
    accessKey: process.env.PLATFORM_S3_ACCESS_KEY || 'platform',
    secretKey: process.env.PLATFORM_S3_SECRET_KEY || 'platform-secret',
  };

  const log = (msg: string) => process.stdout.write(`[platform] ${msg}\n`);
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  // Pids change with every restart; the record lets the next start stop what a killed launcher left behind.
  const supervised: SupervisedProcess[] = [];
  const record = () =>
    recordProcesses(
      dataDir,
      supervised
        .filter((p) => p.name !== 'postgres')
        .map((p) => ({ pid: p.child.pid ?? 0, match: p.name === 'nats' ? 'nats-server' : 'swc-node' })),
    );
  try {
    const supervisor = new Supervisor({
      ...SupervisionConfig.load(),
      log,
      onGiveUp: () => void shutdown(1),
      onStarted: (p) => {
        if (!supervised.includes(p)) supervised.push(p);
        record();
      },
    });
    // The web console (served by the gateway at /ui/) builds beside the infrastructure's start when it is stale.
    const consoleBuild = ensureConsoleBuilt(log).then(
      () => undefined,
      (err: Error) => err,
    );
    let databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) {
      log('starting PostgreSQL…');
      const spec = postgresProcess({ dataDir: join(dataDir, 'postgres'), port: envInt('PLATFORM_PG_PORT', 54329), database: 'platform' });
      const pg = await supervisor.start(spec);
      stops.push(() => pg.stop());
      databaseUrl = spec.url;
    }
    let natsUrl = process.env.NATS_URL;
    if (!natsUrl) {
      log('starting NATS JetStream…');
      const spec = natsProcess({
        port: envInt('PLATFORM_NATS_PORT', 4222),
        storeDir: join(dataDir, 'nats'),
        logFile: serviceLogFile(join(dataDir, 'logs'), 'nats'),
      });
      const nats = await supervisor.start(spec);
      stops.push(() => nats.stop());
      natsUrl = spec.url;
    }
    let s3Endpoint = process.env.PLATFORM_S3_ENDPOINT;
    if (!s3Endpoint) {
      log('starting the S3-compatible object store…');
      const s3 = await startS3({ port: envInt('PLATFORM_S3_PORT', 9000), directory: join(dataDir, 's3'), buckets: [s3Bucket], ...s3Keys });
      stops.push(s3.stop);
      s3Endpoint = s3.endpoint;
    }

    const consoleFailed = await consoleBuild;
    if (consoleFailed) log(`${consoleFailed.message}\n[platform] the API starts without the web console`);
    log('starting services…');
    const ports = {
      gateway: envInt('PLATFORM_PORT', 8080),
      services: await servicePorts((name, kind) =>
        kind === 'grpc'
          ? envInt(`${serviceEnvPrefix(name)}_GRPC_PORT`, PLATFORM_SERVICES[name].grpcPort)
          : envInt(`${serviceEnvPrefix(name)}_OPS_PORT`, PLATFORM_SERVICES[name].opsPort),
      ),
    };
    const engine = { port: envInt('PLATFORM_ENGINE_PORT', 8000), models: process.env.PLATFORM_ENGINE_MODELS || DEFAULT_ENGINE_MODELS };
    const platform = await startPlatform({
      dataDir,
      ports,
      databaseUrl,
      natsUrl,
      s3: { endpoint: s3Endpoint, bucket: s3Bucket, ...s3Keys },
      secrets,
      engine,
      supervisor,
    });
    stops.push(platform.stop);

    const url = platform.gatewayUrl;
    process.stdout.write(
      [
        '',
        `  Platform ready at ${url}`,
        `    Web console   ${url}/ui/${consoleFailed ? '   (not built: see above)' : ''}`,
        `    API docs      ${url}/docs   (OpenAPI: ${url}/openapi.json)`,
        `    Health        ${url}/health    Metrics: ${url}/metrics`,
        `    Model server  http://127.0.0.1:${engine.port}/v1  (OpenAI-compatible, serving ${engine.models})`,
        `    Object store  ${s3Endpoint}  bucket "${s3Bucket}"  keys ${s3Keys.accessKey} / ${s3Keys.secretKey}`,
        `    Admin         user "admin"  password ${secrets.adminPassword}`,
        `    Admin API key ${secrets.adminApiKey}`,
        `    Data          ${dataDir}   Logs: ${join(dataDir, 'logs')}`,
        '',
        `  Get a token:  curl -s -X POST ${url}/icp4d-api/v1/authorize -H 'content-type: application/json' \\`,
        `                  -d '{"username":"admin","api_key":"${secrets.adminApiKey}"}'`,
        '  Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  } catch (err) {
    process.stderr.write(`[platform] failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    await shutdown(1);
  }
}

void main();
