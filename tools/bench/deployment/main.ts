/**
 * Deployments on the embedded default: how long `POST /ml/v4/deployments` takes to reach `ready`, and what an asset
 * swap does to the traffic it serves.
 *
 *   npm run bench:deployment [-- --quick]
 *
 * Starts its own PostgreSQL, NATS and S3 server and the platform through the launcher (the deployment service with
 * its process replica manager), puts two tiny random models into the model store (`custom_models/<id>/`), and
 * creates a model asset of each. Then:
 *  1. POST → ready: RUNS deployments created one after the other (each deleted, its replica stopped, before the next),
 *     the time from the POST until a GET says `ready` (the deployment answers at once then: `ready` waits for the
 *     inference service to route to it); min / median / max.
 *  2. Swap: one deployment under closed-loop traffic (CONCURRENCY workers, unary generation by serving name,
 *     MAX_TOKENS tokens) for a steady window, then the same traffic while a PATCH swaps its asset, from the PATCH until
 *     the deployment is ready again and no replica of the old asset is left (+1 s); success rate and latency p50 / p95
 *     of both, with the ratio swap / steady side by side.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { writeTinyModel } from '@platform/engine/internals';
import { freePort, startNats, startPostgres, startS3 } from '@platform/infra';
import { servicePorts, startPlatform } from '@platform/launcher';
import { S3ObjectStore } from '@platform/object-store';
import { percentile } from '../inference/measure';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 5;
const CONCURRENCY = 4;
const MAX_TOKENS = 8;
const STEADY_SECONDS = quick ? 6 : 15;
const VERSION = '2024-05-31';
// The e2e suite's tiny model: loads in milliseconds, so the figures are the platform's, not the model's.
const TINY = { maxPositionEmbeddings: 1024, hiddenSize: 128, layers: 6 };

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Api {
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
  ): Promise<{ status: number; body: T }>;
}

function api(url: string, token: string): Api {
  return {
    async call(method, path, body, contentType = 'application/json') {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as never };
    },
  };
}

async function expectStatus<T>(what: string, p: Promise<{ status: number; body: T }>, ok: number[]): Promise<T> {
  const res = await p;
  if (!ok.includes(res.status)) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`);
  return res.body;
}

interface Deployment {
  metadata: { id: string };
  entity: { status: { state: string; message?: { text?: string } } };
}

async function waitState(a: Api, projectId: string, id: string, state: string, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await expectStatus(
      'GET deployment',
      a.call<Deployment>('GET', `/ml/v4/deployments/${id}?version=${VERSION}&project_id=${projectId}`),
      [200],
    );
    if (d.entity.status.state === state) return;
    if (d.entity.status.state === 'failed') throw new Error(`deployment ${id} failed: ${JSON.stringify(d.entity.status)}`);
    if (Date.now() > deadline) throw new Error(`deployment ${id} still ${d.entity.status.state} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

interface Window {
  ok: number;
  failed: number;
  latencies: number[];
  failures: string[];
}

/** Closed-loop traffic until `stop()`: every request's latency, and the failures' statuses. */
function traffic(call: () => Promise<number>): { window(): Window; stop(): Promise<void> } {
  let stopped = false;
  let w: Window = { ok: 0, failed: 0, latencies: [], failures: [] };
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (!stopped) {
      const start = performance.now();
      const status = await call().catch((err: Error) => err.message);
      const ms = performance.now() - start;
      if (status === 200) {
        w.ok += 1;
        w.latencies.push(ms);
      } else {
        w.failed += 1;
        w.failures.push(String(status));
        await sleep(20);
      }
    }
  });
  return {
    // The counts since the last call: each window is measured on its own.
    window: () => {
      const done = w;
      w = { ok: 0, failed: 0, latencies: [], failures: [] };
      return done;
    },
    stop: async () => {
      stopped = true;
      await Promise.all(workers);
    },
  };
}

function stats(w: Window) {
  const sorted = [...w.latencies].sort((a, b) => a - b);
  const total = w.ok + w.failed;
  return { total, success: total ? w.ok / total : NaN, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

/** The deployment service's own rows (the bench's database): replicas up to `rev` not yet stopped, the current rev. */
async function query<T>(databaseUrl: string, sql: string, params: unknown[]): Promise<T> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return (await db.query(sql, params)).rows[0] as T;
  } finally {
    await db.end();
  }
}

const liveReplicasUpTo = async (databaseUrl: string, deploymentId: string, rev: number) =>
  (
    await query<{ n: number }>(
      databaseUrl,
      `SELECT count(*)::int AS n FROM deployment.replicas WHERE deployment_id = $1 AND rev <= $2 AND state <> 'stopped'`,
      [deploymentId, rev],
    )
  ).n;

const revOf = async (databaseUrl: string, deploymentId: string) =>
  (await query<{ rev: number }>(databaseUrl, 'SELECT rev FROM deployment.deployments WHERE id = $1', [deploymentId])).rev;

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'bench-deployment-'));
  chmodSync(root, 0o755);
  const stops: (() => unknown)[] = [];
  try {
    const [pgPort, natsPort, s3Port] = [await freePort(), await freePort(), await freePort()];
    const s3Config = { accessKey: 'bench', secretKey: 'bench-secret', bucket: 'bench' };
    const [pg, nats, s3] = await Promise.all([
      startPostgres({ dataDir: join(root, 'pg'), port: pgPort, database: 'bench' }),
      startNats({ port: natsPort, storeDir: join(root, 'nats') }),
      startS3({
        port: s3Port,
        directory: join(root, 's3'),
        accessKey: s3Config.accessKey,
        secretKey: s3Config.secretKey,
        buckets: [s3Config.bucket],
      }),
    ]);
    stops.push(
      () => pg.stop(),
      () => nats.stop(),
      () => s3.stop(),
    );

    // Two models of the same size and different weights in the model store.
    const store = new S3ObjectStore({ endpoint: s3.endpoint, region: 'us-east-1', ...s3Config });
    const models = ['bench-tiny-a', 'bench-tiny-b'];
    for (const [i, id] of models.entries()) {
      const dir = join(root, id);
      writeTinyModel(dir, { ...TINY, seed: i + 1 });
      for (const f of readdirSync(dir)) await store.put(`custom_models/${id}/${f}`, readFileSync(join(dir, f)));
    }

    const secrets = {
      adminPassword: 'bench-password',
      adminApiKey: randomBytes(24).toString('base64url'),
      jwtSecret: randomBytes(32).toString('base64url'),
      secretsKey: randomBytes(32).toString('base64'),
    };
    const platform = await startPlatform({
      dataDir: root,
      ports: { gateway: await freePort(), services: await servicePorts(() => freePort()) },
      databaseUrl: pg.url,
      natsUrl: nats.url,
      s3: { endpoint: s3.endpoint, ...s3Config },
      secrets,
      env: {
        LOG_LEVEL: 'warn',
        PLATFORM_ENGINE_LOG_LEVEL: 'warn',
        PLATFORM_INFERENCE_MAX_CONCURRENCY: '256',
        PLATFORM_INFERENCE_MAX_QUEUE: '1024',
        // Closed-loop traffic goes far beyond the per-user inference bucket, whose 429s would be the bench's own.
        PLATFORM_RATE_LIMIT_INFERENCE_BURST: '1000000',
        PLATFORM_RATE_LIMIT_INFERENCE_PER_MINUTE: '1000000',
      },
    });
    stops.unshift(() => platform.stop());
    const url = platform.gatewayUrl;
    const login = await (
      await fetch(`${url}/icp4d-api/v1/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: secrets.adminPassword }),
      })
    ).json();
    const a = api(url, (login as { token: string }).token);
    const project = await expectStatus('project', a.call<{ metadata: { guid: string } }>('POST', '/v2/projects', { name: 'bench' }), [201]);
    const projectId = project.metadata.guid;
    const assets: string[] = [];
    for (const id of models) {
      const asset = await expectStatus(
        'model asset',
        a.call<{ metadata: { id: string } }>('POST', `/ml/v4/models?version=${VERSION}`, {
          name: id,
          project_id: projectId,
          type: 'custom_foundation_model_1.0',
          software_spec: { name: 'watsonx-cfm-caikit-1.0' },
          foundation_model: { model_id: id },
        }),
        [201],
      );
      assets.push(asset.metadata.id);
    }
    const create = (servingName: string) =>
      expectStatus(
        'POST deployment',
        a.call<Deployment>('POST', `/ml/v4/deployments?version=${VERSION}`, {
          name: servingName,
          project_id: projectId,
          asset: { id: assets[0] },
          online: { parameters: { serving_name: servingName } },
          hardware_spec: { id: 'PLATFORM-CPU' },
        }),
        [201, 202],
      );
    const remove = async (id: string) => {
      await expectStatus(
        'DELETE deployment',
        a.call('DELETE', `/ml/v4/deployments/${id}?version=${VERSION}&project_id=${projectId}`),
        [202, 204],
      );
      const deadline = Date.now() + 120_000;
      while ((await liveReplicasUpTo(pg.url, id, 2 ** 31 - 1)) > 0 && Date.now() < deadline) await sleep(100);
    };

    // 1. POST → ready.
    const readyMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      const d = await create(`bench_ready_${i}`);
      await waitState(a, projectId, d.metadata.id, 'ready');
      readyMs.push(performance.now() - start);
      await remove(d.metadata.id);
    }
    readyMs.sort((x, y) => x - y);

    // 2. Traffic, steady then during a swap.
    const d = await create('bench_swap');
    const id = d.metadata.id;
    await waitState(a, projectId, id, 'ready');
    const generate = async () => {
      const res = await fetch(`${url}/ml/v1/deployments/bench_swap/text/generation?version=${VERSION}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${(login as { token: string }).token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ input: 'Hello', parameters: { decoding_method: 'greedy', max_new_tokens: MAX_TOKENS } }),
      });
      await res.arrayBuffer();
      return res.status;
    };
    const load = traffic(generate);
    await sleep(2000); // warm connections and the replica
    load.window();
    await sleep(STEADY_SECONDS * 1000);
    const steady = stats(load.window());
    const oldRev = await revOf(pg.url, id);
    const swapStart = performance.now();
    await expectStatus(
      'PATCH asset',
      a.call(
        'PATCH',
        `/ml/v4/deployments/${id}?version=${VERSION}&project_id=${projectId}`,
        [{ op: 'replace', path: '/asset', value: { id: assets[1] } }],
        'application/json-patch+json',
      ),
      [200, 202],
    );
    await waitState(a, projectId, id, 'ready');
    const readyAgain = performance.now() - swapStart;
    const deadline = Date.now() + 300_000;
    while ((await liveReplicasUpTo(pg.url, id, oldRev)) > 0 && Date.now() < deadline) await sleep(100);
    const swapDone = performance.now() - swapStart;
    await sleep(1000);
    const swapWindow = load.window();
    await load.stop();
    const swap = stats(swapWindow);
    await remove(id);

    const ratio = (x: number, y: number) => fmt(x / y, 2);
    console.log(`\nDeployments on the embedded default (process replicas, tiny model); ${quick ? 'quick' : 'full'} run\n`);
    console.log('| POST → ready | runs | min ms | median ms | max ms |');
    console.log('|---|---|---|---|---|');
    console.log(
      `| PLATFORM-CPU, 1 replica | ${RUNS} | ${fmt(readyMs[0])} | ${fmt(percentile(readyMs, 50))} | ${fmt(readyMs[readyMs.length - 1])} |`,
    );
    console.log(
      `\nSwap under traffic (${CONCURRENCY} workers, ${MAX_TOKENS} tokens, by serving name): ready again ${fmt(readyAgain)} ms after the PATCH, old replica gone after ${fmt(swapDone)} ms\n`,
    );
    console.log('| traffic | requests | success rate | p50 ms | p95 ms |');
    console.log('|---|---|---|---|---|');
    console.log(
      `| steady (${STEADY_SECONDS} s) | ${steady.total} | ${fmt(steady.success * 100, 2)}% | ${fmt(steady.p50, 1)} | ${fmt(steady.p95, 1)} |`,
    );
    console.log(
      `| during swap (${fmt(swapDone / 1000 + 1, 1)} s) | ${swap.total} | ${fmt(swap.success * 100, 2)}% | ${fmt(swap.p50, 1)} | ${fmt(swap.p95, 1)} |`,
    );
    console.log(
      `| ratio swap / steady | | ${ratio(swap.success, steady.success)} | ${ratio(swap.p50, steady.p50)} | ${ratio(swap.p95, steady.p95)} |`,
    );
    if (swapWindow.failures.length) console.log(`\nfailed during the swap: ${JSON.stringify(swapWindow.failures.slice(0, 10))}`);
  } finally {
    for (const stop of stops) await Promise.resolve(stop()).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
