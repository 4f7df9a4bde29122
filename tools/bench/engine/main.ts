/**
 * Engine throughput benchmark on a random Llama of realistic small size.
 *
 *   node -r @swc-node/register tools/bench/engine/main.ts [--quick]
 *
 * Prints single-stream decode speed, 16-way batched vs sequential throughput, where a decode step's time goes
 * (matmul, attention, elementwise, sampling, scheduling) alone and at 16 concurrent, matmul GFLOP/s against
 * measured peaks of this machine, and RSS with 16 active sequences, for 1 and 2 threads; 16 concurrent requests of
 * 1,024 tokens and a 2,000-token prompt's first token (full run); and decode speed with a JSON Schema mask against
 * the same runs without one, measured alternately in one run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createServedModel, type GenerationEvent, type OutputConstraint, type ServedModel } from '@platform/engine';
import { Arena, enableRelaxedSimd, MatmulPool, packPanel, relaxedSimd, StepProfile, writeRandomModel } from '@platform/engine/internals';
import { simdPeakGflops } from './simd-peak';

const quick = process.argv.includes('--quick');
const SPEC = { vocab: 8192, hidden: 512, intermediate: 1408, layers: 8, heads: 8, kvHeads: 4, maxPositions: 2048, seed: 7 };
const CONCURRENT = 16;
const GEN_TOKENS = quick ? 24 : 64;
/** Long outputs (full run only): where a step's time goes once the context is long. */
const LONG_TOKENS = 1024;
const PROMPT_TOKENS = 16;
/** The long prompt's length (full run): its first token, and where prefill's time goes. */
const LONG_PROMPT_TOKENS = 2000;
/**
 * One-at-a-time and concurrent runs alternate this many times: on a shared host the single stream's memory bandwidth
 * moves between minutes (one-at-a-time runs 2.9–4.1 s apart in consecutive runs), so each ratio is taken from a
 * pair run back to back, and the row reports the median pair.
 */
const ROUNDS = quick ? 1 : 3;

function prompt(i: number, length = PROMPT_TOKENS): number[] {
  return Array.from({ length }, (_, j) => 3 + ((i * 31 + j * 7) % 8000));
}

async function generate(
  m: ServedModel,
  i: number,
  maxTokens: number,
  constraint?: OutputConstraint,
): Promise<{ tokens: number; firstAt: number; endAt: number }> {
  let tokens = 0;
  let firstAt = 0;
  const start = performance.now();
  let e: GenerationEvent | undefined;
  for await (e of m.generate({ promptTokenIds: prompt(i), params: { maxTokens, temperature: 0, ignoreEos: true, constraint } })) {
    tokens += e.tokenIds.length;
    if (tokens === 1) firstAt = performance.now() - start;
  }
  return { tokens, firstAt, endAt: performance.now() - start };
}

/** Tight scalar f32 dot product: the best a JS inner loop does on one core (same code shape as the kernel). */
function dotPeakSource(): string {
  return `
    const n = 4096, reps = 3000;
    const a = new Float32Array(n).map((_, i) => (i % 13) * 0.01), b = new Float32Array(n).map((_, i) => (i % 7) * 0.02);
    function run() {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
      for (let r = 0; r < reps; r++) {
        for (let i = 0; i < n; i += 8) {
          s0 += a[i] * b[i]; s1 += a[i + 1] * b[i + 1]; s2 += a[i + 2] * b[i + 2]; s3 += a[i + 3] * b[i + 3];
          s4 += a[i + 4] * b[i + 4]; s5 += a[i + 5] * b[i + 5]; s6 += a[i + 6] * b[i + 6]; s7 += a[i + 7] * b[i + 7];
        }
      }
      return s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
    }
    // The first runs are interpreted / baseline-compiled; keep the best of several.
    let gflops = 0, sink = 0;
    for (let k = 0; k < 6; k++) {
      const t0 = performance.now();
      sink += run();
      gflops = Math.max(gflops, (2 * n * reps) / (performance.now() - t0) / 1e6);
    }
  `;
}

async function peakGflops(cores: number): Promise<number> {
  const src = `const { parentPort } = require('node:worker_threads'); ${dotPeakSource()} parentPort.postMessage(sink === sink ? gflops : 0);`;
  const results = await Promise.all(
    Array.from(
      { length: cores },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(src, { eval: true });
          w.once('message', (g: number) => {
            resolve(g);
            void w.terminate();
          });
          w.once('error', reject);
        }),
    ),
  );
  return results.reduce((a, b) => a + b, 0);
}

/**
 * GFLOP/s of the engine's matmul for a [batch × 512] · [1408 × 512]ᵀ product (an MLP-sized projection): the JS
 * kernel on row-major weights, or (wasm) the panel blocks on panel-packed weights, as the model runs them.
 */
async function matmulGflops(threads: number, batch: number, wasm: boolean): Promise<number> {
  const inDim = 512;
  const outDim = 1408;
  const arena = new Arena(Arena.sizeOf([inDim * outDim, batch * inDim, batch * inDim, batch * outDim, threads * 4 * inDim]), { wasm });
  const w = arena.alloc(inDim * outDim);
  const x = arena.alloc(batch * inDim);
  const xi = arena.alloc(batch * inDim);
  const out = arena.alloc(batch * outDim);
  const scratch = arena.alloc(threads * 4 * inDim);
  const rowMajor = Float32Array.from({ length: w.length }, () => Math.random() - 0.5);
  if (wasm) packPanel(rowMajor, outDim, inDim, w);
  else w.set(rowMajor);
  for (let i = 0; i < x.length; i++) x[i] = Math.random() - 0.5;
  const pool = new MatmulPool(threads, arena);
  const run = (): void =>
    wasm ? pool.matmulPanel(w, x, xi, scratch, out, batch, inDim, outDim) : pool.matmul(w, x, out, batch, inDim, outDim);
  const reps = Math.max(10, Math.round((wasm ? 400 : 100) / batch));
  for (let i = 0; i < 5; i++) run();
  let best = 0;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) run();
    best = Math.max(best, (2 * batch * inDim * outDim * reps) / (performance.now() - t0) / 1e6);
  }
  await pool.close();
  return best;
}

/**
 * A long prompt's first token (full run): prefill, whose attention grows with the square of the prompt's length. The
 * median of ROUNDS runs after one that warms up, each a different prompt, with its steps' profile.
 */
async function measureLongPrompt(dir: string, threads: number): Promise<{ ms: number; steps: StepProfile }> {
  const m = await createServedModel(dir, { threads, maxNumSeqs: CONCURRENT, kvCacheBytes: 256 * 1024 * 1024 });
  try {
    const runs: { ms: number; steps: StepProfile }[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const promptTokenIds = prompt(round, LONG_PROMPT_TOKENS);
      const steps = new StepProfile();
      m.scheduler.profile = steps;
      const t0 = performance.now();
      for await (const e of m.generate({ promptTokenIds, params: { maxTokens: 1, temperature: 0, ignoreEos: true } })) void e;
      if (round > 0) runs.push({ ms: performance.now() - t0, steps });
    }
    m.scheduler.profile = undefined;
    return medianBy(runs, (r) => r.ms);
  } finally {
    await m.close();
  }
}

/** 16 concurrent requests of LONG_TOKENS each: tokens/s and the decode steps' profile. */
async function measureLong(dir: string, threads: number): Promise<{ tps: number; steps: StepProfile }> {
  const m = await createServedModel(dir, { threads, maxNumSeqs: CONCURRENT, kvCacheBytes: 256 * 1024 * 1024 });
  try {
    await generate(m, 999, 4);
    const steps = new StepProfile(true);
    m.scheduler.profile = steps;
    const t0 = performance.now();
    const all = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => generate(m, i, LONG_TOKENS)));
    const tps = all.reduce((a, r) => a + r.tokens, 0) / ((performance.now() - t0) / 1000);
    return { tps, steps };
  } finally {
    await m.close();
  }
}

interface Row {
  label: string;
  threads: number;
  singleTps: number;
  batchedTps: number;
  sequentialTps: number;
  /** batched / sequential of each alternated pair, in run order. */
  ratios: number[];
  rssMiB: number;
  ttftMs: number;
  /** Decode steps (no prompt tokens) of the one-at-a-time run and of the concurrent run. */
  alone: StepProfile;
  together: StepProfile;
}

async function measure(dir: string, threads: number, label: string, fused?: boolean): Promise<Row> {
  const m = await createServedModel(dir, { threads, maxNumSeqs: CONCURRENT, kvCacheBytes: 256 * 1024 * 1024, fused });
  try {
    await generate(m, 999, 4); // warm-up (JIT)
    // Single stream: decode speed excludes prefill (time to first token).
    const single = await generate(m, 0, GEN_TOKENS * 2);
    const singleTps = (single.tokens - 1) / ((single.endAt - single.firstAt) / 1000);
    // Same 16 requests, one at a time, then all at once, ROUNDS times; the decode steps of each run are timed by phase
    // (a few clock reads per layer, well under 0.1 % of a step).
    const alone = new StepProfile(true);
    const together = new StepProfile(true);
    const pairs: { sequential: number; batched: number }[] = [];
    let rss = 0;
    for (let round = 0; round < ROUNDS; round++) {
      m.scheduler.profile = alone;
      let t0 = performance.now();
      let seqTokens = 0;
      for (let i = 0; i < CONCURRENT; i++) seqTokens += (await generate(m, i, GEN_TOKENS)).tokens;
      const sequential = seqTokens / ((performance.now() - t0) / 1000);
      const timer = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 5);
      m.scheduler.profile = together;
      t0 = performance.now();
      const all = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => generate(m, i, GEN_TOKENS)));
      pairs.push({ sequential, batched: all.reduce((a, r) => a + r.tokens, 0) / ((performance.now() - t0) / 1000) });
      m.scheduler.profile = undefined;
      clearInterval(timer);
      rss = Math.max(rss, process.memoryUsage().rss);
    }
    const { sequential: sequentialTps, batched: batchedTps } = medianBy(pairs, (p) => p.batched / p.sequential);
    const ratios = pairs.map((p) => p.batched / p.sequential);
    return { label, threads, singleTps, batchedTps, sequentialTps, ratios, rssMiB: rss / 2 ** 20, ttftMs: single.firstAt, alone, together };
  } finally {
    await m.close();
  }
}

/** The median element of `xs` (an odd count) by `key`. */
function medianBy<T>(xs: T[], key: (x: T) => number): T {
  return [...xs].sort((a, b) => key(a) - key(b))[(xs.length - 1) >> 1];
}

/** A tool-call-like schema whose strings and arrays let greedy decoding run on, so runs reach their token count. */
const SCHEMA = JSON.stringify({
  type: 'object',
  properties: {
    name: { type: 'string' },
    arguments: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } },
    },
  },
  required: ['name', 'arguments'],
});

interface MaskRow {
  firstMs: number; // the first constraint: loads xgrammar, reads the vocabulary, compiles
  compileMs: number; // a new schema afterwards
  maskedTokens: { single: number; batched: number }; // tokens per masked run (mean over the concurrent ones)
  single: [number, number]; // tok/s without, with the mask
  batched: [number, number];
}

/** Decode tokens/s with and without a JSON Schema mask, alternating runs so both see the same machine load. */
async function measureMask(dir: string): Promise<MaskRow> {
  const m = await createServedModel(dir, { threads: 1, maxNumSeqs: CONCURRENT, kvCacheBytes: 256 * 1024 * 1024 });
  try {
    let t0 = performance.now();
    (await m.createConstraint({ kind: 'json_schema', schema: SCHEMA })).release();
    const firstMs = performance.now() - t0;
    t0 = performance.now();
    (await m.createConstraint({ kind: 'json_schema', schema: SCHEMA.replace('city', 'town') })).release();
    const compileMs = performance.now() - t0;
    const constraint = (): Promise<OutputConstraint> => m.createConstraint({ kind: 'json_schema', schema: SCHEMA });
    const constraints = (): Promise<OutputConstraint[]> => Promise.all(Array.from({ length: CONCURRENT }, constraint));
    // Greedy decoding is deterministic: a first masked pass gives each request's token count (a request ends early
    // once its JSON is complete), and the unmasked runs stop at the same counts, so both do the same steps.
    const singleCount = (await generate(m, 0, GEN_TOKENS * 2, await constraint())).tokens;
    const cs0 = await constraints();
    const counts = (await Promise.all(cs0.map((c, i) => generate(m, i, GEN_TOKENS, c)))).map((r) => r.tokens);
    const single: [number[], number[]] = [[], []];
    const batched: [number[], number[]] = [[], []];
    for (let round = 0; round < 3; round++) {
      for (const masked of [0, 1] as const) {
        const r = await generate(m, 0, singleCount, masked ? await constraint() : undefined);
        single[masked].push((r.tokens - 1) / ((r.endAt - r.firstAt) / 1000));
        const cs = masked ? await constraints() : [];
        t0 = performance.now();
        const all = await Promise.all(counts.map((n, i) => generate(m, i, n, cs[i])));
        batched[masked].push(all.reduce((a, x) => a + x.tokens, 0) / ((performance.now() - t0) / 1000));
      }
    }
    const best = (xs: number[]): number => Math.max(...xs);
    const maskedTokens = { single: singleCount, batched: counts.reduce((a, b) => a + b, 0) / counts.length };
    return { firstMs, compileMs, maskedTokens, single: [best(single[0]), best(single[1])], batched: [best(batched[0]), best(batched[1])] };
  } finally {
    await m.close();
  }
}

/** "total ms | per token, then the phases": mean over the decode steps a profile saw. */
function stepRow(p: StepProfile): string {
  const per = (ms: number): string => (ms / p.steps).toFixed(2);
  const total = p.phasesMs + p.schedulingMs;
  const perToken = total / p.rows;
  return (
    `${per(total)} ms (${perToken.toFixed(2)} ms per token) | matmul ${per(p.matmulMs)}, attention ${per(p.attentionMs)}, ` +
    `elementwise ${per(p.elementwiseMs)}, sampling ${per(p.samplingMs)}, scheduling ${per(p.schedulingMs)} ms; mean of ${p.steps} steps |`
  );
}

async function main(): Promise<void> {
  // As the engine server does (its main.ts): the matmul blocks fuse multiply-adds where relaxed SIMD is available.
  enableRelaxedSimd();
  const fused = relaxedSimd();
  const dir = mkdtempSync(join(tmpdir(), 'engine-bench-'));
  try {
    const t0 = performance.now();
    writeRandomModel(dir, SPEC);
    const params =
      SPEC.vocab * SPEC.hidden * 2 +
      SPEC.layers *
        (SPEC.hidden * (SPEC.hidden + 2 * (SPEC.hidden / SPEC.heads) * SPEC.kvHeads) +
          SPEC.hidden * SPEC.hidden +
          3 * SPEC.hidden * SPEC.intermediate);
    console.log(
      `model: hidden ${SPEC.hidden}, ${SPEC.layers} layers, ${SPEC.heads} heads / ${SPEC.kvHeads} kv, inter ${SPEC.intermediate}, vocab ${SPEC.vocab}`,
    );
    console.log(
      `       ${(params / 1e6).toFixed(1)} M params, ${((params * 4) / 2 ** 20).toFixed(0)} MiB f32 (written in ${((performance.now() - t0) / 1000).toFixed(1)} s); cores: ${availableParallelism()}`,
    );
    console.log(
      `       matmul blocks and attention kernels: ${fused ? 'fused multiply-add (relaxed SIMD)' : 'separate multiply and add (no relaxed SIMD here)'}`,
    );
    const peak1 = await peakGflops(1);
    const peak2 = await peakGflops(2);
    // The same SIMD kernel on operands that stay in cache: the compute ceiling reachable from wasm here.
    const simdPeak1 = await simdPeakGflops(1, fused);
    const simdPeak2 = await simdPeakGflops(2, fused);
    const separatePeak = fused ? [await simdPeakGflops(1, false), await simdPeakGflops(2, false)] : undefined;
    const mm: string[] = [];
    for (const wasm of [false, true]) {
      for (const threads of [1, 2]) {
        for (const batch of [1, 16]) {
          const g = await matmulGflops(threads, batch, wasm);
          const peak = wasm ? (threads === 1 ? simdPeak1 : simdPeak2) : threads === 1 ? peak1 : peak2;
          const kind = wasm ? 'wasm simd' : 'js scalar';
          mm.push(
            `| matmul 1408×512 ${kind}, batch ${batch}, ${threads} thread(s) | ${g.toFixed(2)} GFLOP/s | ${((100 * g) / peak).toFixed(0)}% of the ${wasm ? 'in-cache SIMD' : 'scalar loop'} peak |`,
          );
        }
      }
    }
    const rows: Row[] = [];
    for (const threads of [1, 2]) rows.push(await measure(dir, threads, 'f32'));
    if (fused) rows.push(await measure(dir, 2, 'f32 with separate multiply-adds', false));
    // The same weights stored as BF16: the engine keeps them bf16 in memory (half the bytes per token).
    const bf16Dir = join(dir, 'bf16');
    writeRandomModel(bf16Dir, { ...SPEC, dtype: 'BF16' });
    rows.push(await measure(bf16Dir, 1, 'bf16'));
    const long = quick ? undefined : { f32: await measureLong(dir, 2), bf16: await measureLong(bf16Dir, 2) };
    const longPrompt = quick ? undefined : await measureLongPrompt(dir, 2);
    const mask = await measureMask(dir);

    console.log('\n| metric | value | note |');
    console.log('|---|---|---|');
    console.log(`| scalar f32 dot peak, 1 core | ${peak1.toFixed(2)} GFLOP/s | tight 8-accumulator loop |`);
    console.log(`| scalar f32 dot peak, 2 cores | ${peak2.toFixed(2)} GFLOP/s | same loop in 2 workers |`);
    console.log(
      `| wasm SIMD in-cache peak, 1 core | ${simdPeak1.toFixed(2)} GFLOP/s | engine panel matmul blocks, batch 16, 256×256 weights (cache-resident) |`,
    );
    console.log(`| wasm SIMD in-cache peak, 2 cores | ${simdPeak2.toFixed(2)} GFLOP/s | same in 2 independent workers at once, summed |`);
    if (separatePeak) {
      console.log(
        `| same, separate multiply and add (no relaxed SIMD), 1 / 2 cores | ${separatePeak.map((g) => g.toFixed(2)).join(' / ')} GFLOP/s | fused: ${(simdPeak1 / separatePeak[0]).toFixed(2)}× / ${(simdPeak2 / separatePeak[1]).toFixed(2)}× |`,
      );
    }
    for (const line of mm) console.log(line);
    for (const r of rows) {
      const t = `${r.label}, ${r.threads} thread(s)`;
      console.log(
        `| single-stream decode, ${t} | ${r.singleTps.toFixed(1)} tok/s | TTFT (${PROMPT_TOKENS}-token prompt) ${r.ttftMs.toFixed(0)} ms |`,
      );
      const pairs =
        r.ratios.length > 1
          ? ` (median of ${r.ratios.length} pairs run back to back: ${r.ratios.map((x) => x.toFixed(2)).join(', ')})`
          : '';
      console.log(
        `| ${CONCURRENT} requests one at a time, ${t} | ${r.sequentialTps.toFixed(1)} tok/s | ${GEN_TOKENS} tokens each, incl. prefill |`,
      );
      console.log(
        `| ${CONCURRENT} concurrent requests, ${t} | ${r.batchedTps.toFixed(1)} tok/s | ratio ${(r.batchedTps / r.sequentialTps).toFixed(2)}× vs one at a time${pairs} |`,
      );
      console.log(`| decode step, 1 sequence, ${t} | ${stepRow(r.alone)}`);
      console.log(`| decode step, ${CONCURRENT} sequences, ${t} | ${stepRow(r.together)}`);
      console.log(`| RSS with ${CONCURRENT} active sequences, ${t} | ${r.rssMiB.toFixed(0)} MiB | peak during the concurrent run |`);
    }
    for (const [dtype, r] of long ? Object.entries(long) : []) {
      const t = `${CONCURRENT} concurrent requests of ${LONG_TOKENS} tokens, ${dtype}, 2 thread(s)`;
      const cache = dtype === 'bf16' ? 'a bf16 K/V cache' : 'an f32 K/V cache';
      console.log(`| ${t} | ${r.tps.toFixed(1)} tok/s | contexts grow to ${PROMPT_TOKENS + LONG_TOKENS} positions, ${cache} |`);
      console.log(`| decode step, ${t} | ${stepRow(r.steps)}`);
    }
    if (longPrompt) {
      const p = longPrompt.steps;
      console.log(
        `| first token of a ${LONG_PROMPT_TOKENS}-token prompt, f32, 2 thread(s) | ${longPrompt.ms.toFixed(0)} ms | median of ${ROUNDS}; prefill in ${p.steps} steps: matmul ${p.matmulMs.toFixed(0)}, attention ${p.attentionMs.toFixed(0)}, elementwise ${p.elementwiseMs.toFixed(0)}, sampling and scheduling ${(p.samplingMs + p.schedulingMs).toFixed(0)} ms |`,
      );
    }
    console.log(
      `| first structured-output constraint | ${mask.firstMs.toFixed(0)} ms | loads xgrammar, reads the ${SPEC.vocab}-token vocabulary, compiles |`,
    );
    console.log(`| JSON Schema compile for this vocabulary | ${mask.compileMs.toFixed(0)} ms | once per schema, then cached |`);
    const ratio = (pair: [number, number]): string =>
      `${pair[1].toFixed(1)} vs ${pair[0].toFixed(1)} tok/s | ratio ${(pair[1] / pair[0]).toFixed(2)} (goal ≥ 0.8) |`;
    console.log(`| single-stream decode with a JSON Schema mask vs without, f32, 1 thread | ${ratio(mask.single)}`);
    console.log(`| ${CONCURRENT} concurrent requests with a JSON Schema mask each vs without, f32, 1 thread | ${ratio(mask.batched)}`);
    console.log(
      `| tokens per run in the mask rows | ${mask.maskedTokens.single} single, ${mask.maskedTokens.batched.toFixed(1)} concurrent (mean) | of ${GEN_TOKENS * 2} / ${GEN_TOKENS} asked: a run ends once its JSON is complete; the unmasked runs stop at the same counts |`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
