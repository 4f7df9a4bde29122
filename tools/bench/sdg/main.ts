/**
 * SDG throughput and backend use: one whole job (runSdg over the sample taxonomy, copied BENCH_COPIES times)
 * against a real engine server serving the starter model behind the real inference service.
 *
 *   npm run bench:sdg [-- --quick]
 *
 * Prints samples/s for the job at concurrency 1 and at the default (PLATFORM_SDG_CONCURRENCY, 64), their ratio, and
 * the share of the engine's batch capacity in use while the job generates, from the engine's /metrics gauges sampled
 * every 100 ms: a sample with requests waiting counts as full (the scheduler had no room), otherwise
 * max(vllm:num_requests_running / max batch size, vllm:kv_cache_usage_perc); averaged over the generating window.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { sumGaugeSamples } from '@platform/common';
import { childGone, freePort, waitForHealth } from '@platform/infra';

const ROOT = resolve(__dirname, '../../..');
const MODEL = 'platform/starter-llama';
const quick = process.argv.includes('--quick');
const MAX_SEQS = Number(process.env.BENCH_MAX_NUM_SEQS ?? 32);
const DEFAULT_CONCURRENCY = Number(process.env.PLATFORM_SDG_CONCURRENCY ?? 64);

function spawnTs(entry: string, env: NodeJS.ProcessEnv, stdout: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  return spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', stdout, 'inherit'],
  });
}

const waitHealthy = (url: string, child: ChildProcess, name: string) =>
  waitForHealth(url, { name, timeoutMs: 300_000, gone: () => childGone(child) });

function gauge(text: string, name: string): number {
  return sumGaugeSamples(text, [name], { label: 'model_name', value: MODEL }) ?? NaN;
}

interface JobRun {
  concurrency: number;
  seconds: number;
  samples: number;
  samplesPerSecond: number;
  /** Mean share of the engine's batch in use while the job generated (see the comment in runJob). */
  capacityShare: number;
  /** Share of samples with requests waiting at the engine (its queue never ran dry). */
  queuedShare: number;
  /** Mean running / max batch alone (sequence slots filled). */
  slotShare: number;
}

async function runJob(concurrency: number, engineUrl: string, inferenceGrpc: string): Promise<JobRun> {
  const child = spawnTs(
    'apps/sdg/src/pipelines/testing/bench-job.ts',
    {
      PLATFORM_INFERENCE_GRPC_URL: inferenceGrpc,
      PLATFORM_SDG_CONCURRENCY: String(concurrency),
      BENCH_COPIES: quick ? '2' : '4',
      BENCH_NUM_INSTRUCTIONS: quick ? '2' : '4',
    },
    'pipe',
  );
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  const samples: { at: number; running: number; waiting: number; kv: number }[] = [];
  const exited = new Promise<number>((r) => child.once('exit', (code) => r(code ?? 1)));
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    const text = await fetch(`${engineUrl}/metrics`).then(
      (r) => r.text(),
      () => '',
    );
    if (text)
      samples.push({
        at: Date.now(),
        running: gauge(text, 'vllm:num_requests_running'),
        waiting: gauge(text, 'vllm:num_requests_waiting'),
        kv: gauge(text, 'vllm:kv_cache_usage_perc'),
      });
    await new Promise((r) => setTimeout(r, 100));
  }
  if ((await exited) !== 0) throw new Error(`bench job exited with an error: ${stdout}`);
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    ms: number;
    samples: number;
    generatingSince: number;
    generatingUntil: number;
  };
  const window = samples.filter((s) => s.at >= result.generatingSince && s.at <= result.generatingUntil);
  // Requests wait at the engine only when its scheduler had no room for them (sequence slots, KV cache or the
  // per-step token budget): such a sample is a full batch; otherwise the batch is running / max batch full.
  const share =
    window.reduce((n, s) => n + (s.waiting > 0 ? 1 : Math.min(1, Math.max(s.running / MAX_SEQS, s.kv || 0))), 0) /
    Math.max(1, window.length);
  const slots = window.reduce((n, s) => n + Math.min(s.running, MAX_SEQS) / MAX_SEQS, 0) / Math.max(1, window.length);
  return {
    concurrency,
    seconds: result.ms / 1000,
    samples: result.samples,
    samplesPerSecond: result.samples / (result.ms / 1000),
    capacityShare: share,
    queuedShare: window.filter((s) => s.waiting > 0).length / Math.max(1, window.length),
    slotShare: slots,
  };
}

async function main(): Promise<void> {
  const enginePort = await freePort();
  const threads = Number(process.env.PLATFORM_ENGINE_THREADS ?? Math.max(1, availableParallelism() - 1));
  const engine = spawnTs('apps/engine-server/src/main.ts', {
    PLATFORM_ENGINE_PORT: String(enginePort),
    PLATFORM_ENGINE_MODELS: `${join(ROOT, 'models/starter')}:${MODEL}`,
    PLATFORM_ENGINE_MAX_NUM_SEQS: String(MAX_SEQS),
    PLATFORM_ENGINE_THREADS: String(threads),
    PLATFORM_ENGINE_LOG_LEVEL: 'warn',
  });
  const engineUrl = `http://127.0.0.1:${enginePort}`;
  const grpc = `127.0.0.1:${await freePort()}`;
  const ops = await freePort();
  const env: NodeJS.ProcessEnv = {
    LOG_LEVEL: 'warn',
    PLATFORM_INFERENCE_GRPC_URL: grpc,
    PLATFORM_INFERENCE_OPS_PORT: String(ops),
    PLATFORM_INFERENCE_BACKENDS: JSON.stringify([{ url: engineUrl }]),
    NATS_URL: '',
  };
  const inference = spawnTs('apps/inference/src/main.ts', env);
  try {
    await waitHealthy(`${engineUrl}/health`, engine, 'engine server');
    await waitHealthy(`http://127.0.0.1:${ops}/health`, inference, 'inference service');
    const runs: JobRun[] = [];
    for (const c of [1, DEFAULT_CONCURRENCY]) runs.push(await runJob(c, engineUrl, grpc));
    const fmt = (n: number, d = 2) => n.toFixed(d);
    console.log(`\nSDG job on ${MODEL} (engine: ${threads} threads, max batch ${MAX_SEQS}); ${quick ? 'quick' : 'full'} run\n`);
    console.log('| concurrency | job s | samples | samples/s | backend capacity in use | engine queue non-empty | sequence slots filled |');
    console.log('|---|---|---|---|---|---|---|');
    for (const r of runs)
      console.log(
        `| ${r.concurrency} | ${fmt(r.seconds, 1)} | ${r.samples} | ${fmt(r.samplesPerSecond)} | ${fmt(r.capacityShare * 100, 0)} % | ${fmt(r.queuedShare * 100, 0)} % | ${fmt(r.slotShare * 100, 0)} % |`,
      );
    console.log(
      `\nsamples/s, concurrency ${DEFAULT_CONCURRENCY} vs 1: ${fmt(runs[1].samplesPerSecond / runs[0].samplesPerSecond)}x; capacity in use at ${DEFAULT_CONCURRENCY}: ${fmt(runs[1].capacityShare, 2)} (goal >= 0.9)`,
    );
  } finally {
    for (const p of [inference, engine]) if (p.exitCode === null) p.kill('SIGTERM');
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
