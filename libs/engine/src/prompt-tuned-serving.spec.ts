import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationEvent, ServedModel } from './contract';
import { createServedModel } from './served-model';
import { loadTrainingModel, saveCheckpoint, type TrainingModel } from './training/checkpoint';
import { forwardBackward, lastLogits } from './training/forward-backward';
import { EMBED } from './training/llama-params';
import { createRng, type Tensor } from './training/tensor';
import { createFixtureModel } from './training/test-fixture';

const root = mkdtempSync(join(tmpdir(), 'prompt-tuned-serving-'));
const N = 5;
let base: TrainingModel;
let softPrompt: Tensor;
let tuned: ServedModel;
let plain: ServedModel;

/** A soft prompt far from any token's embedding, so a model that ignored or misplaced it would answer differently. */
function makeSoftPrompt(m: TrainingModel): Tensor {
  const H = m.config.hidden_size;
  const emb = m.params.get(EMBED)!.data;
  const rng = createRng(3);
  const data = new Float32Array(N * H);
  for (let i = 0; i < N; i++) {
    const id = 40 + 7 * i;
    for (let k = 0; k < H; k++) data[i * H + k] = emb[id * H + k] * 3 + (rng() - 0.5) * 0.2;
  }
  return { shape: [N, H], data };
}

function logSoftmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  const lse = max + Math.log(sum);
  return Float64Array.from(logits, (v) => v - lse);
}

async function collect(m: ServedModel, ids: number[], maxTokens: number): Promise<GenerationEvent[]> {
  const events: GenerationEvent[] = [];
  const params = { maxTokens, minTokens: maxTokens, temperature: 0, logprobs: 5, promptLogprobs: 1, ignoreEos: true };
  for await (const e of m.generate({ promptTokenIds: ids, params })) events.push(e);
  return events;
}

beforeAll(async () => {
  const baseDir = join(root, 'base');
  createFixtureModel(baseDir);
  base = loadTrainingModel(baseDir);
  softPrompt = makeSoftPrompt(base);
  const dir = join(root, 'tuned');
  saveCheckpoint(dir, {
    sourceDir: baseDir,
    config: base.config,
    weights: base.params,
    softPrompt,
    tuningConfig: { verbalizer: 'Input: {{input}} Output:', num_virtual_tokens: N, method: 'prompt_tuning' },
  });
  tuned = await createServedModel(dir, { threads: 1 });
  plain = await createServedModel(baseDir, { threads: 1 });
});

afterAll(async () => {
  await tuned?.close();
  await plain?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a prompt-tuned directory served as base model + soft prompt', () => {
  it('exposes the soft prompt length and the verbalizer, and leaves the virtual tokens out of maxModelLen', () => {
    expect(tuned.virtualTokens).toBe(N);
    expect(tuned.verbalizer).toEqual({ template: 'Input: {{input}} Output:', responseTemplate: undefined });
    expect(plain.virtualTokens).toBe(0);
    expect(plain.verbalizer).toBeUndefined();
    expect(tuned.maxModelLen).toBe(plain.maxModelLen - N);
    expect(tuned.config.vocab_size).toBe(base.config.vocab_size);
  });

  it('matches the training forward with the soft prompt: logits, greedy tokens, prompt logprobs and counts', async () => {
    const prompt = base.tokenizer.encode('Input: What do cats say? Output:', true);
    const events = await collect(tuned, prompt, 6);
    const ids = [...prompt];
    for (const e of events) {
      const ours = logSoftmax(lastLogits(base.config, base.params, ids, softPrompt.data));
      const lp = e.logprobs![0];
      let best = 0;
      for (let v = 1; v < ours.length; v++) if (ours[v] > ours[best]) best = v;
      expect(lp.tokenId).toBe(best);
      for (const t of lp.top) expect(Math.abs(t.logprob - ours[t.tokenId])).toBeLessThan(1e-5);
      ids.push(lp.tokenId);
    }
    // Counts and prompt logprobs cover the caller's tokens only.
    expect(events.at(-1)).toMatchObject({ promptTokens: prompt.length, completionTokens: 6 });
    const plp = events[0].promptLogprobs!;
    expect(plp).toHaveLength(prompt.length);
    expect(plp[0]).toBeNull();
    const all = forwardBackward(
      base.config,
      base.params,
      { ids: prompt, lossMask: Uint8Array.from(prompt, (_, j) => (j > 0 ? 1 : 0)) },
      { softPrompt: softPrompt.data, keepLogits: true },
    ).logits!;
    const V = base.config.vocab_size;
    for (let j = 1; j < prompt.length; j++) {
      const ours = logSoftmax(all.subarray((j - 1) * V, j * V));
      expect(plp[j]!.tokenId).toBe(prompt[j]);
      expect(Math.abs(plp[j]!.logprob - ours[prompt[j]])).toBeLessThan(1e-5);
    }
    // The soft prompt matters: the base model alone gives the same prompt another distribution.
    const basePlp = (await collect(plain, prompt, 1))[0].promptLogprobs!;
    const diffs = plp.slice(1).map((t, j) => Math.abs(t!.logprob - basePlp[j + 1]!.logprob));
    expect(Math.max(...diffs)).toBeGreaterThan(1e-2);
  });

  it('refuses caller token ids at or beyond the vocabulary, and prompts over the visible limit', () => {
    const V = base.config.vocab_size;
    expect(() => tuned.generate({ promptTokenIds: [1, V], params: { maxTokens: 1 } })).toThrow(/outside vocabulary/);
    const long = new Array<number>(tuned.maxModelLen).fill(5);
    expect(() => tuned.generate({ promptTokenIds: long, params: { maxTokens: 1 } })).toThrow(/at most/);
  });

  it('ends a sequence at the visible length limit', async () => {
    const prompt = new Array<number>(tuned.maxModelLen - 3).fill(40);
    const events = await collect(tuned, prompt, 50);
    expect(events.at(-1)).toMatchObject({ finishReason: 'length', completionTokens: 3, promptTokens: prompt.length });
  });

  it('embeds the caller tokens under the soft prompt', async () => {
    const [v] = await tuned.embed([base.tokenizer.encode('the sky', true)]);
    const [w] = await plain.embed([base.tokenizer.encode('the sky', true)]);
    expect(v).toHaveLength(base.config.hidden_size);
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    expect(v).not.toEqual(w);
  });
});
