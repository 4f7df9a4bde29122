/**
 * Inference path overhead: the same engine server called directly, through nginx (when installed) and through
 * gateway + inference service, side by side in one run.
 *
 *   node -r @swc-node/register tools/bench/inference/main.ts [--quick]
 *
 * Starts its own PostgreSQL, NATS and S3 server, the platform through the launcher with the engine server serving a
 * small random model (fast, so the added latency is visible rather than drowned in model time), and prints a table.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeRandomModel } from '@platform/engine/internals';
import { freePort, startNats, startPostgres, startS3 } from '@platform/infra';
import { servicePorts, startPlatform } from '@platform/launcher';
import { connectGrpcService, unary } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { cpuMs, firstByte, latency, postJson, throughput, type Latency } from './measure';
import { startNginx } from './nginx';

const quick = process.argv.includes('--quick');
/** `--profile DIR`: the gateway and the inference service write V8 CPU profiles into DIR when they stop (cpu-profile.ts). */
const profileAt = process.argv.indexOf('--profile');
const profileDir = profileAt >= 0 ? process.argv[profileAt + 1] : undefined;
const N = quick ? 60 : 300;
const SECONDS = quick ? 4 : 12;
const CONCURRENCY = 64;
const MODEL = 'bench/random-llama';
const VERSION = '2024-05-31';

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'bench-inference-'));
  chmodSync(root, 0o755);
  const stops: (() => unknown)[] = [];
  try {
    const modelDir = join(root, 'model');
    writeRandomModel(modelDir, { vocab: 512, hidden: 64, intermediate: 128, layers: 2, heads: 4, kvHeads: 2, maxPositions: 1024 });
    const [pgPort, natsPort, s3Port] = [await freePort(), await freePort(), await freePort()];
    const [pg, nats, s3] = await Promise.all([
      startPostgres({ dataDir: join(root, 'pg'), port: pgPort, database: 'bench' }),
      startNats({ port: natsPort, storeDir: join(root, 'nats') }),
      startS3({ port: s3Port, directory: join(root, 's3'), accessKey: 'bench', secretKey: 'bench-secret', buckets: ['bench'] }),
    ]);
    stops.push(
      () => pg.stop(),
      () => nats.stop(),
      () => s3.stop(),
    );
    const enginePort = await freePort();
    const ports = { gateway: await freePort(), services: await servicePorts(() => freePort()) };
    const secrets = {
      adminPassword: 'bench-password',
      adminApiKey: randomBytes(24).toString('base64url'),
      jwtSecret: randomBytes(32).toString('base64url'),
      secretsKey: randomBytes(32).toString('base64'),
    };
    const launch = (env: NodeJS.ProcessEnv) =>
      startPlatform({
        dataDir: root,
        ports,
        databaseUrl: pg.url,
        natsUrl: nats.url,
        s3: { endpoint: s3.endpoint, bucket: 'bench', accessKey: 'bench', secretKey: 'bench-secret' },
        secrets,
        engine: { port: enginePort, models: `${modelDir}:${MODEL}` },
        env: {
          LOG_LEVEL: 'warn',
          PLATFORM_ENGINE_LOG_LEVEL: 'warn',
          PLATFORM_ENGINE_THREADS: '1',
          PLATFORM_INFERENCE_MAX_CONCURRENCY: '256',
          PLATFORM_INFERENCE_MAX_QUEUE: '1024',
          // On a shared, overloaded machine a 1 s health probe can time out and eject the only replica mid-run.
          PLATFORM_INFERENCE_PROBE_TIMEOUT_MS: '10000',
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
    let platform = await launch({});
    stops.unshift(() => platform.stop());
    const direct = `http://127.0.0.1:${enginePort}`;
    const nginx = await startNginx(root, await freePort(), enginePort);
    if (nginx) stops.unshift(() => nginx.stop());

    const login = (await postJson(`${platform.gatewayUrl}/icp4d-api/v1/authorize`, {
      username: 'admin',
      password: secrets.adminPassword,
    })) as { token: string };
    const auth = { authorization: `Bearer ${login.token}` };
    const project = (await (
      await fetch(`${platform.gatewayUrl}/v2/projects`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{"name":"bench"}',
      })
    ).json()) as {
      metadata: { guid: string };
    };
    const projectId = project.metadata.guid;

    const viaEngine = (base: string, maxTokens: number) => async () => {
      await postJson(`${base}/v1/completions`, {
        model: MODEL,
        prompt: 'Hello world',
        max_tokens: maxTokens,
        temperature: 0,
        ignore_eos: true,
      });
    };
    const viaStack = (maxTokens: number) => async () => {
      await postJson(
        `${platform.gatewayUrl}/ml/v1/text/generation?version=${VERSION}`,
        { model_id: MODEL, project_id: projectId, input: 'Hello world', parameters: { max_new_tokens: maxTokens } },
        auth,
      );
    };

    const rows: [string, string][] = [];
    const lat: Record<string, Latency> = {};
    lat.direct = await latency(N, viaEngine(direct, 1));
    if (nginx) lat.nginx = await latency(N, viaEngine(nginx.url, 1));
    lat.stack = await latency(N, viaStack(1));
    rows.push(['1-token generation p50 / p99, direct (ms)', `${fmt(lat.direct.p50)} / ${fmt(lat.direct.p99)}`]);
    if (lat.nginx)
      rows.push(['added by nginx p50 / p99 (ms)', `${fmt(lat.nginx.p50 - lat.direct.p50)} / ${fmt(lat.nginx.p99 - lat.direct.p99)}`]);
    else rows.push(['added by nginx', 'nginx not installed (apt-get install nginx)']);
    rows.push([
      'added by gateway+inference p50 / p99 (ms)',
      `${fmt(lat.stack.p50 - lat.direct.p50)} / ${fmt(lat.stack.p99 - lat.direct.p99)}`,
    ]);

    // Where the added time goes: the engine's streaming path (what the inference service calls), the inference
    // service over gRPC without the gateway, and the gateway's own auth + project check on a route with no backend.
    const streamDirect = await latency(N, async () => {
      const res = await fetch(`${direct}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: MODEL,
          prompt: 'Hello world',
          max_tokens: 1,
          stream: true,
          stream_options: { include_usage: true, continuous_usage_stats: true },
        }),
      });
      await res.text();
    });
    const grpc = connectGrpcService<inferenceV1.InferenceServiceClient>('inference', inferenceV1.INFERENCE_SERVICE_NAME, {
      url: `127.0.0.1:${ports.services.inference.grpc}`,
      deadline: 'long',
    });
    const inference = grpc.service;
    const grpcDirect = await latency(N, async () => {
      await unary(
        inference.generate({
          modelId: MODEL,
          input: 'Hello world',
          projectId,
          spaceId: '',
          parameters: { decodingMethod: 'greedy', maxNewTokens: 1, stopSequences: [], timeLimit: 0, returnOptions: undefined },
          moderations: undefined,
        }),
      );
    });
    grpc.close();
    const authOnly = await latency(N, async () => {
      await (await fetch(`${platform.gatewayUrl}/v2/projects/${projectId}`, { headers: auth })).text();
    });
    const specs = await latency(N, async () => {
      await (await fetch(`${platform.gatewayUrl}/ml/v1/foundation_model_specs?version=${VERSION}`, { headers: auth })).text();
    });
    rows.push(['  breakdown: engine streaming path p50 (ms)', fmt(streamDirect.p50)]);
    rows.push(['  breakdown: gateway + gRPC ListModels, no engine p50 (ms)', fmt(specs.p50)]);
    rows.push(['  breakdown: inference gRPC Generate p50 (ms)', fmt(grpcDirect.p50)]);
    rows.push(['  breakdown: gateway GET /v2/projects/{id} p50 (ms)', fmt(authOnly.p50)]);

    const ttft = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
      const samples: number[] = [];
      for (let i = 0; i < Math.ceil(N / 3); i++)
        samples.push(
          await firstByte(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }),
        );
      samples.sort((a, b) => a - b);
      return samples[Math.floor(samples.length / 2)];
    };
    const ttftDirect = await ttft(`${direct}/v1/completions`, { model: MODEL, prompt: 'Hello world', max_tokens: 8, stream: true });
    const ttftStack = await ttft(
      `${platform.gatewayUrl}/ml/v1/text/generation_stream?version=${VERSION}`,
      { model_id: MODEL, project_id: projectId, input: 'Hello world', parameters: { max_new_tokens: 8 } },
      auth,
    );
    rows.push([
      'stream time to first byte p50, direct / stack (ms)',
      `${fmt(ttftDirect)} / ${fmt(ttftStack)}  (added ${fmt(ttftStack - ttftDirect)})`,
    ]);

    // CPU time per request of each process over the throughput runs: unlike latency on a shared machine, it does
    // not move with the neighbours' load. Postgres counts its postmaster and every backend.
    const pidOf = (name: string) => platform.processes.find((p) => p.name === name)?.child.pid;
    const postmaster = Number(readFileSync(join(root, 'pg', 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const cpuOf = () => ({
      gateway: cpuMs(pidOf('gateway')),
      inference: cpuMs(pidOf('inference')),
      engine: cpuMs(pidOf('engine-server')),
      postgres: cpuMs(postmaster),
    });
    const cpu0 = cpuOf();
    const rpsDirect = await throughput(CONCURRENCY, SECONDS, viaEngine(direct, 4));
    const cpu1 = cpuOf();
    const rpsStack = await throughput(CONCURRENCY, SECONDS, viaStack(4));
    const cpu2 = cpuOf();
    rows.push([
      `throughput at concurrency ${CONCURRENCY}, direct / stack (req/s)`,
      `${fmt(rpsDirect)} / ${fmt(rpsStack)}  (ratio ${fmt(rpsStack / rpsDirect)})`,
    ]);
    const perReq = (k: keyof typeof cpu0, a: typeof cpu0, b: typeof cpu0, rps: number) => fmt((b[k] - a[k]) / (rps * SECONDS));
    rows.push([
      '  CPU per request at concurrency 64: stack gateway / inference / postgres / engine (ms)',
      `${perReq('gateway', cpu1, cpu2, rpsStack)} / ${perReq('inference', cpu1, cpu2, rpsStack)} / ${perReq('postgres', cpu1, cpu2, rpsStack)} / ${perReq('engine', cpu1, cpu2, rpsStack)}  (engine direct ${perReq('engine', cpu0, cpu1, rpsDirect)})`,
    ]);

    const embedBody = { model_id: MODEL, project_id: projectId, inputs: ['Hello world'] };
    const embedVia = (gateway: string) => async () => {
      await postJson(`${gateway}/ml/v1/text/embeddings?version=${VERSION}`, embedBody, auth);
    };
    const tokenizeVia = (gateway: string) => async () => {
      await postJson(
        `${gateway}/ml/v1/text/tokenization?version=${VERSION}`,
        { model_id: MODEL, project_id: projectId, input: 'Hello world' },
        auth,
      );
    };
    const embedDirect = await throughput(CONCURRENCY, SECONDS, async () => {
      await postJson(`${direct}/v1/embeddings`, { model: MODEL, input: ['Hello world'] });
    });
    // What batching can buy at the model server itself: the same inputs, CONCURRENCY per call.
    const batchCalls = await throughput(2, SECONDS, async () => {
      await postJson(`${direct}/v1/embeddings`, { model: MODEL, input: Array.from({ length: CONCURRENCY }, () => 'Hello world') });
    });
    // Coalescing on and off alternate (on, off, on, off: the platform restarts with PLATFORM_INFERENCE_COALESCE_MS=0
    // for "off", same database, so the token and project stay valid), so a shift in the machine's load hits both.
    const runs = {
      on: { embed: 0, tokenize: 0, cpu: { gateway: 0, inference: 0, engine: 0 } },
      off: { embed: 0, tokenize: 0, cpu: { gateway: 0, inference: 0, engine: 0 } },
    };
    let current: 'on' | 'off' = 'on';
    for (const mode of ['on', 'off', 'on', 'off'] as const) {
      if (mode !== current) {
        await platform.stop();
        platform = await launch(mode === 'off' ? { PLATFORM_INFERENCE_COALESCE_MS: '0' } : {});
        current = mode;
        // Restarted processes start cold (JIT, token and access caches): warm them before measuring.
        await throughput(CONCURRENCY, Math.min(3, SECONDS), embedVia(platform.gatewayUrl));
      }
      const before = cpuOf();
      const embedRps = await throughput(CONCURRENCY, SECONDS / 2, embedVia(platform.gatewayUrl));
      const after = cpuOf();
      const r = runs[mode];
      r.embed += embedRps / 2;
      for (const k of ['gateway', 'inference', 'engine'] as const) r.cpu[k] += after[k] - before[k];
      r.tokenize += (await throughput(CONCURRENCY, SECONDS / 2, tokenizeVia(platform.gatewayUrl))) / 2;
    }
    // Each mode ran two half-length embedding runs, so its request count is its mean rate times SECONDS.
    const cpuPerEmbed = (r: (typeof runs)['on']) =>
      (['gateway', 'inference', 'engine'] as const).map((k) => fmt(r.cpu[k] / (r.embed * SECONDS))).join(' / ');
    const [embedCoalesced, embedSingle, tokenizeCoalesced, tokenizeSingle] = [
      runs.on.embed,
      runs.off.embed,
      runs.on.tokenize,
      runs.off.tokenize,
    ];
    rows.push([
      `embeddings at concurrency ${CONCURRENCY}: stack coalesced / stack uncoalesced / direct (req/s)`,
      `${fmt(embedCoalesced)} / ${fmt(embedSingle)} / ${fmt(embedDirect)}  (coalescing gain ${fmt(embedCoalesced / embedSingle)}x)`,
    ]);
    rows.push([
      '  CPU per embedding request, coalesced / uncoalesced: gateway / inference / engine (ms)',
      `${cpuPerEmbed(runs.on)}  vs  ${cpuPerEmbed(runs.off)}`,
    ]);
    rows.push([
      `  engine alone: ${CONCURRENCY} inputs per call vs 1 per call (inputs/s)`,
      `${fmt(batchCalls * CONCURRENCY)} vs ${fmt(embedDirect)}  (${fmt((batchCalls * CONCURRENCY) / embedDirect)}x)`,
    ]);
    rows.push([
      `tokenization at concurrency ${CONCURRENCY}: stack coalesced / uncoalesced (req/s)`,
      `${fmt(tokenizeCoalesced)} / ${fmt(tokenizeSingle)}  (coalescing gain ${fmt(tokenizeCoalesced / tokenizeSingle)}x)`,
    ]);

    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`\ninference path benchmark (${quick ? 'quick' : 'full'}; ${N} latency samples, ${SECONDS}s throughput runs)\n`);
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  } finally {
    for (const stop of stops) await stop();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
