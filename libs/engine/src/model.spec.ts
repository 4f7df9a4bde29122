import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredDtype } from './safetensors';
import { LlamaModel } from './model';
import { loadModelDir } from './model-dir';
import { type RandomModelSpec, writeRandomModel } from './testing/random-model';
import { referenceLogits } from './testing/reference';

const root = mkdtempSync(join(tmpdir(), 'engine-model-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function maxRelError(actual: Float32Array, expected: number[]): number {
  const scale = Math.max(...expected.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / scale);
  return worst;
}

/** Prefill `prompt`, then feed `extra` one token at a time through the KV cache; compare every step. */
async function compare(
  name: string,
  spec: RandomModelSpec,
  threads: number,
  dtype: StoredDtype = 'F32',
  wasm = true,
  fused?: boolean,
): Promise<number> {
  const dir = join(root, name);
  writeRandomModel(dir, { ...spec, dtype });
  const { config, weights } = loadModelDir(dir, { shared: threads > 1 });
  // The reference sees exactly what the file stores, upcast by our reader (its own upcast for f16/bf16).
  const stored = new Map([...weights].map(([k, v]) => [k, Float32Array.from(v.data)]));
  const model = new LlamaModel(config, weights, { threads, maxBatchTokens: 64, kvCacheBytes: 1 << 20, blockSize: 4, wasm, fused });
  expect(model.usesWasm).toBe(wasm);
  if (fused !== undefined) expect(model.kernel).toBe(fused ? 'wasm-simd-fused' : 'wasm-simd');
  // BF16 checkpoints are computed from bf16 weights directly (wasm only), with a bf16 K/V cache; everything else in f32.
  expect(model.weightDtype).toBe(dtype === 'BF16' && wasm ? 'BF16' : 'F32');
  expect(model.kv.dtype).toBe(model.weightDtype);
  try {
    const prompt = [1, 260, 270, 280, 290, 5, 100, 299, 42, 7];
    const extra = [17, 33, 250, 3, 298];
    const all = [...prompt, ...extra];
    const ref = referenceLogits(
      config,
      (n) => {
        const t = stored.get(n);
        if (!t) throw new Error(n);
        return t;
      },
      all,
      { kvBf16: model.kv.dtype === 'BF16' },
    );
    const blocks: number[] = [];
    model.kv.ensure(blocks, all.length);
    let worst = 0;
    // Prefill with logits for every row.
    model.forward([{ tokens: prompt, startPos: 0, blocks, logits: 'all' }], (_s, row, logits) => {
      worst = Math.max(worst, maxRelError(logits, ref[row]));
    });
    for (let i = 0; i < extra.length; i++) {
      const pos = prompt.length + i;
      let seen = false;
      model.forward([{ tokens: [extra[i]], startPos: pos, blocks, logits: 'last' }], (_s, _row, logits) => {
        seen = true;
        worst = Math.max(worst, maxRelError(logits, ref[pos]));
      });
      expect(seen).toBe(true);
    }
    return worst;
  } finally {
    await model.close();
  }
}

describe('LlamaModel forward vs float64 reference', () => {
  const base: RandomModelSpec = { vocab: 300, hidden: 64, layers: 2, heads: 4, kvHeads: 2 };

  it('matches on prefill and cached decode steps (GQA, untied, 1 thread)', async () => {
    expect(await compare('f32-1t', base, 1)).toBeLessThan(1e-4);
  });

  it('matches with worker threads', async () => {
    expect(await compare('f32-2t', base, 2)).toBeLessThan(1e-4);
  });

  it('matches with fused and with separate multiply-adds in the matmul blocks, f32 and bf16', async () => {
    for (const fused of [true, false]) {
      expect(await compare(`f32-fused-${fused}`, base, 2, 'F32', true, fused)).toBeLessThan(1e-4);
      expect(await compare(`bf16-fused-${fused}`, { ...base, seed: 6 }, 2, 'BF16', true, fused)).toBeLessThan(1e-4);
    }
  });

  it('matches with the plain JS kernels (no WebAssembly), 1 and 2 threads', async () => {
    expect(await compare('js-1t', base, 1, 'F32', false)).toBeLessThan(1e-4);
    expect(await compare('js-2t', base, 2, 'F32', false)).toBeLessThan(1e-4);
  });

  it('matches with tied embeddings, MHA and explicit head_dim', async () => {
    expect(await compare('tied', { ...base, tie: true, kvHeads: 4, headDim: 8, seed: 3 }, 1)).toBeLessThan(1e-4);
  });

  it('matches f16 and bf16 checkpoints against their own upcast', async () => {
    expect(await compare('f16', { ...base, seed: 5 }, 1, 'F16')).toBeLessThan(1e-4);
    expect(await compare('bf16', { ...base, seed: 6 }, 1, 'BF16')).toBeLessThan(1e-4);
    expect(await compare('bf16-2t', { ...base, seed: 6, tie: true }, 2, 'BF16')).toBeLessThan(1e-4);
    expect(await compare('bf16-js', { ...base, seed: 6 }, 1, 'BF16', false)).toBeLessThan(1e-4);
  });

  it('batches sequences of different lengths without cross-talk', async () => {
    const dir = join(root, 'batch');
    writeRandomModel(dir, base);
    const { config, weights } = loadModelDir(dir);
    const model = new LlamaModel(config, weights, { threads: 1, maxBatchTokens: 64, kvCacheBytes: 1 << 20, blockSize: 4 });
    const a = [1, 5, 6, 7, 8, 9, 10];
    const b = [1, 100, 200];
    const solo = (toks: number[]): Float32Array => {
      const blocks: number[] = [];
      model.kv.ensure(blocks, toks.length);
      let out = new Float32Array(0);
      model.forward([{ tokens: toks, startPos: 0, blocks, logits: 'last' }], (_s, _r, l) => (out = Float32Array.from(l)));
      model.kv.release(blocks);
      return out;
    };
    const sa = solo(a);
    const sb = solo(b);
    const ba: number[] = [];
    const bb: number[] = [];
    model.kv.ensure(ba, a.length);
    model.kv.ensure(bb, b.length);
    const got: Float32Array[] = [];
    model.forward(
      [
        { tokens: a, startPos: 0, blocks: ba, logits: 'last' },
        { tokens: b, startPos: 0, blocks: bb, logits: 'last' },
      ],
      (s, _r, l) => (got[s] = Float32Array.from(l)),
    );
    expect(Array.from(got[0])).toEqual(Array.from(sa));
    expect(Array.from(got[1])).toEqual(Array.from(sb));
    await model.close();
  });

  it('splits attention between threads by heads, with the logits bit for bit those of one thread', async () => {
    const dir = join(root, 'threads');
    writeRandomModel(dir, { ...base, seed: 9 });
    // Long enough that a step's attention is worth the worker handshake (MIN_PARALLEL_MACS in parallel.ts).
    const prompts = [140, 90, 33].map((n, s) => Array.from({ length: n }, (_, i) => (i * 37 + s * 11 + 1) % 300));
    const run = async (threads: number): Promise<number[][]> => {
      const { config, weights } = loadModelDir(dir, { shared: threads > 1 });
      const model = new LlamaModel(config, weights, { threads, maxBatchTokens: 512, kvCacheBytes: 1 << 22, blockSize: 16 });
      const rows: number[][] = [];
      try {
        const seqs = prompts.map((tokens) => {
          const blocks: number[] = [];
          model.kv.ensure(blocks, tokens.length + 1);
          return { tokens, startPos: 0, blocks, logits: 'all' as const };
        });
        model.forward(seqs, (_s, _r, l) => rows.push(Array.from(l)));
        model.forward(
          seqs.map((s) => ({ ...s, tokens: [7], startPos: s.tokens.length, logits: 'last' as const })),
          (_s, _r, l) => rows.push(Array.from(l)),
        );
      } finally {
        await model.close();
      }
      return rows;
    };
    const one = await run(1);
    expect(one).toHaveLength(140 + 90 + 33 + 3);
    expect(await run(2)).toEqual(one);
    expect(await run(3)).toEqual(one);
  });
});
