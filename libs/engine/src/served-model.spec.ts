import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@platform/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineOverloadedError, type GenerateRequest, type GenerationEvent, type SamplingParams, type ServedModel } from './contract';
import { createServedModel } from './served-model';
import { writeRandomModel } from './testing/random-model';

const root = mkdtempSync(join(tmpdir(), 'engine-served-'));
const dir = join(root, 'tiny');
let model: ServedModel;

beforeAll(async () => {
  writeRandomModel(dir, { vocab: 300, hidden: 64, layers: 2, heads: 4, kvHeads: 2, seed: 11 });
  model = await createServedModel(dir, { threads: 2, maxNumSeqs: 32 });
});
afterAll(async () => {
  await model.close();
  rmSync(root, { recursive: true, force: true });
});

interface Run {
  ids: number[];
  text: string;
  events: GenerationEvent[];
  last: GenerationEvent;
}

async function run(m: ServedModel, prompt: number[] | string, params: SamplingParams, signal?: AbortSignal): Promise<Run> {
  const promptTokenIds = typeof prompt === 'string' ? m.encode(prompt) : prompt;
  const req: GenerateRequest = { promptTokenIds, params, signal };
  const events: GenerationEvent[] = [];
  for await (const e of m.generate(req)) events.push(e);
  const last = events[events.length - 1];
  return { ids: events.flatMap((e) => e.tokenIds), text: events.map((e) => e.text).join(''), events, last };
}

const greedy = (maxTokens: number, extra: Partial<SamplingParams> = {}): SamplingParams => ({ maxTokens, temperature: 0, ...extra });

describe('ServedModel basics', () => {
  it('exposes tokenizer, config and limits', () => {
    expect(model.id).toBe('tiny');
    expect(model.config.hidden_size).toBe(64);
    expect(model.maxModelLen).toBe(512);
    expect(model.eosTokenIds).toEqual([2]);
    expect(model.decode(model.encode('hello there'))).toBe('hello there');
    expect(model.applyChatTemplate([{ role: 'user', content: 'hi' }], true)).toContain('<|im_start|>assistant');
    expect(model.tokenToString(model.encode('the', false)[0])).toBe(' the');
  });

  it('generates maxTokens tokens greedily, one event per step, and reports length', async () => {
    const r = await run(model, 'the cat sat', greedy(12));
    expect(r.ids).toHaveLength(12);
    expect(r.events).toHaveLength(12);
    expect(r.last.finishReason).toBe('length');
    expect(r.last.completionTokens).toBe(12);
    expect(r.last.promptTokens).toBe(model.encode('the cat sat').length);
    expect(r.text.replace(/^ /, '')).toBe(model.decode(r.ids)); // a leading space kept (see below)
    const again = await run(model, 'the cat sat', greedy(12));
    expect(again.ids).toEqual(r.ids);
  });

  it("keeps the completion's leading space, as vLLM does (decoded after the prompt's last tokens, not alone)", async () => {
    const the = model.encode('the', false)[0]; // ▁the
    const r = await run(model, 'in the beginning', greedy(3, { logitBias: new Map([[the, 100]]) }));
    expect(r.ids).toEqual([the, the, the]);
    expect(model.decode(r.ids)).toBe('the the the'); // the tokenizer's Strip decoder, on the output alone
    expect(r.events.map((e) => e.text)).toEqual([' the', ' the', ' the']);
    // Kept too where the prompt has no text to decode after (BOS alone), unlike vLLM: a constraint that allowed
    // " " must not come back as "".
    expect((await run(model, [1], greedy(3, { logitBias: new Map([[the, 100]]) }))).text).toBe(' the the the');
  });

  it('keeps special tokens in the text with skipSpecialTokens false, and matches stop strings against that text', async () => {
    const imStart = model.encode('<|im_start|>', false)[0];
    const bias = new Map([[imStart, 100]]);
    expect((await run(model, 'hello there', greedy(2, { logitBias: bias }))).text).toBe('');
    expect((await run(model, 'hello there', greedy(2, { logitBias: bias, skipSpecialTokens: false }))).text).toBe(
      '<|im_start|><|im_start|>',
    );
    const stopped = await run(model, 'hello there', greedy(4, { logitBias: bias, skipSpecialTokens: false, stop: ['><'] }));
    expect(stopped.last.stopReason).toBe('><');
    expect(stopped.text).toBe('<|im_start|');
  });
});

describe('sampling parameters', () => {
  const prompt = 'in the beginning';

  it('top-k = 1, tiny top-p and near-zero temperature all equal greedy', async () => {
    const g = await run(model, prompt, greedy(10));
    expect((await run(model, prompt, { maxTokens: 10, topK: 1, seed: 1 })).ids).toEqual(g.ids);
    expect((await run(model, prompt, { maxTokens: 10, topP: 1e-6, seed: 2 })).ids).toEqual(g.ids);
    expect((await run(model, prompt, { maxTokens: 10, temperature: 1e-6, seed: 3 })).ids).toEqual(g.ids);
  });

  it('is reproducible with a seed and varies across seeds', async () => {
    const p: SamplingParams = { maxTokens: 16, temperature: 1.5, seed: 1234 };
    const a = await run(model, prompt, p);
    const b = await run(model, prompt, p);
    expect(b.ids).toEqual(a.ids);
    const others = await Promise.all([1, 2, 3, 4].map((seed) => run(model, prompt, { ...p, seed })));
    expect(others.some((o) => o.ids.join() !== a.ids.join())).toBe(true);
  });

  it('top-k restricts draws to the k most likely tokens', async () => {
    const r = await run(model, prompt, { maxTokens: 12, temperature: 2, topK: 3, seed: 9, logprobs: 3 });
    for (const e of r.events) {
      const lp = e.logprobs?.[0];
      expect(lp?.rank).toBeLessThanOrEqual(3);
    }
  });

  it('frequency, presence and repetition penalties prevent repeats', async () => {
    for (const extra of [{ frequencyPenalty: 100 }, { presencePenalty: 100 }, { repetitionPenalty: 1e9 }]) {
      const r = await run(model, prompt, greedy(20, extra));
      expect(new Set(r.ids).size).toBe(r.ids.length);
    }
    const prm = model.encode(prompt);
    const rep = await run(model, prm, greedy(10, { repetitionPenalty: 1e9 }));
    expect(rep.ids.some((t) => prm.includes(t))).toBe(false);
  });

  it('stop token ids end the sequence, and minTokens holds them off', async () => {
    const g = await run(model, prompt, greedy(10));
    const stopId = g.ids[2];
    const firstAt = g.ids.indexOf(stopId);
    const r = await run(model, prompt, greedy(10, { stopTokenIds: [stopId] }));
    expect(r.last.finishReason).toBe('stop');
    expect(r.last.stopReason).toBe(stopId);
    expect(r.ids).toEqual(g.ids.slice(0, firstAt + 1));
    const minned = await run(model, prompt, greedy(10, { stopTokenIds: [stopId], minTokens: firstAt + 3 }));
    expect(minned.ids.length).toBeGreaterThanOrEqual(firstAt + 3);
    expect(minned.ids.slice(0, firstAt + 3)).not.toContain(stopId);
  });

  it('stop strings are trimmed (or kept) and reported', async () => {
    const g = await run(model, prompt, greedy(24));
    const cut = Math.floor(g.text.length / 2);
    const stop = g.text.slice(cut, cut + 2);
    const at = g.text.indexOf(stop);
    const r = await run(model, prompt, greedy(24, { stop: [stop] }));
    expect(r.last.finishReason).toBe('stop');
    expect(r.last.stopReason).toBe(stop);
    expect(r.text).toBe(g.text.slice(0, at));
    const kept = await run(model, prompt, greedy(24, { stop: [stop], includeStopStrInOutput: true }));
    expect(kept.text).toBe(g.text.slice(0, at + stop.length));
  });

  it('logprobs: chosen token, ranks, top-n ordering and normalisation', async () => {
    const r = await run(model, prompt, greedy(6, { logprobs: 5 }));
    for (const e of r.events) {
      const lp = e.logprobs?.[0];
      expect(lp).toBeDefined();
      if (!lp) continue;
      expect(lp.tokenId).toBe(e.tokenIds[0]);
      expect(lp.rank).toBe(1); // greedy picks the argmax
      expect(lp.top).toHaveLength(5);
      expect(lp.top[0].tokenId).toBe(lp.tokenId);
      expect(lp.top[0].logprob).toBeCloseTo(lp.logprob, 12);
      for (let i = 1; i < 5; i++) expect(lp.top[i].logprob).toBeLessThanOrEqual(lp.top[i - 1].logprob);
      expect(lp.token).toBe(model.tokenToString(lp.tokenId));
      const mass = lp.top.reduce((a, t) => a + Math.exp(t.logprob), 0);
      expect(mass).toBeLessThanOrEqual(1 + 1e-9);
    }
    const all = await run(model, prompt, greedy(2, { logprobs: 300 }));
    const total = all.events[0].logprobs?.[0].top.reduce((a, t) => a + Math.exp(t.logprob), 0);
    expect(total).toBeCloseTo(1, 6);
  });

  it('prompt logprobs: null first, one per prompt token, on the first event only', async () => {
    const ids = model.encode(prompt);
    const r = await run(model, ids, greedy(3, { promptLogprobs: 2 }));
    const pl = r.events[0].promptLogprobs;
    expect(pl).toHaveLength(ids.length);
    expect(pl?.[0]).toBeNull();
    pl?.slice(1).forEach((p, i) => {
      expect(p?.tokenId).toBe(ids[i + 1]);
      expect(p?.logprob).toBeLessThanOrEqual(0);
      expect(p?.top).toHaveLength(2);
      expect(p?.rank).toBeGreaterThanOrEqual(1);
    });
    expect(r.events[1].promptLogprobs).toBeUndefined();
  });

  it('stops on EOS unless ignoreEos', async () => {
    const g = await run(model, prompt, greedy(5));
    const eosDir = join(root, 'eos');
    writeRandomModel(eosDir, { vocab: 300, hidden: 64, layers: 2, heads: 4, kvHeads: 2, seed: 11 });
    writeFileSync(join(eosDir, 'generation_config.json'), JSON.stringify({ eos_token_id: [2, g.ids[0]] }));
    const m = await createServedModel(eosDir, { threads: 1 });
    try {
      const stopped = await run(m, prompt, greedy(5));
      expect(stopped.ids).toEqual([g.ids[0]]);
      expect(stopped.last.finishReason).toBe('stop');
      expect(stopped.last.stopReason).toBeUndefined();
      expect((await run(m, prompt, greedy(5, { ignoreEos: true }))).ids).toEqual(g.ids);
      expect((await run(m, prompt, greedy(5, { minTokens: 2 }))).ids.length).toBeGreaterThanOrEqual(2);
    } finally {
      await m.close();
    }
  });
});

describe('continuous batching', () => {
  const prompts = Array.from({ length: 16 }, (_, i) => `the ${'cat '.repeat(i % 5)}${i} is in the house`);

  it('16 concurrent greedy requests match one-at-a-time outputs', async () => {
    const solo: number[][] = [];
    for (const p of prompts) solo.push((await run(model, p, greedy(16))).ids);
    const together = await Promise.all(prompts.map((p) => run(model, p, greedy(16))));
    expect(together.map((r) => r.ids)).toEqual(solo);
    const s = model.stats();
    expect(s.running).toBe(0);
    expect(s.waiting).toBe(0);
    expect(s.kvCacheUsage).toBe(0);
    expect(s.generationTokensTotal).toBeGreaterThan(0);
  });

  it('queues behind a small KV budget and preempts without changing results', async () => {
    // Room for ~64 tokens: 8 sequences of ~10 prompt + 24 output cannot all run at once.
    const small = await createServedModel(dir, { threads: 1, kvCacheBytes: 64 * 2 * 2 * 32 * 4, maxNumSeqs: 8 });
    try {
      const solo: number[][] = [];
      for (const p of prompts.slice(0, 8)) solo.push((await run(small, p, greedy(24))).ids);
      let maxWaiting = 0;
      const all = Promise.all(prompts.slice(0, 8).map((p) => run(small, p, greedy(24))));
      const timer = setInterval(() => (maxWaiting = Math.max(maxWaiting, small.stats().waiting)), 0);
      const together = await all;
      clearInterval(timer);
      expect(together.map((r) => r.ids)).toEqual(solo);
      expect(maxWaiting).toBeGreaterThan(0);
      expect(small.scheduler.preemptions).toBeGreaterThan(0);
      expect(small.stats().kvCacheUsage).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('abort frees the sequence within a step', async () => {
    const ac = new AbortController();
    const events: GenerationEvent[] = [];
    for await (const e of model.generate({ promptTokenIds: model.encode('abort me'), params: greedy(400), signal: ac.signal })) {
      events.push(e);
      if (events.length === 3) ac.abort();
    }
    expect(events.length).toBeLessThanOrEqual(5);
    expect(events[events.length - 1].finishReason).toBe('abort');
    expect(model.stats().running).toBe(0);
    expect(model.stats().kvCacheUsage).toBe(0);
  });

  it('breaking out of the stream aborts the sequence', async () => {
    const before = model.stats().generationTokensTotal;
    let n = 0;
    for await (const e of model.generate({ promptTokenIds: model.encode('x'), params: greedy(400, { ignoreEos: true }) })) {
      void e;
      if (++n === 2) break;
    }
    // Judged by work rather than after a fixed pause: once the scheduler is empty, the sequence has produced far
    // fewer than the 400 tokens (EOS ignored) it would have run to had breaking out not aborted it.
    await waitFor(() => model.stats().running + model.stats().waiting === 0, 30_000, 1);
    expect(model.stats().generationTokensTotal - before).toBeLessThan(50);
  });

  it('throws EngineOverloadedError when the waiting queue is full', async () => {
    const m = await createServedModel(dir, { threads: 1, maxNumSeqs: 1, maxWaiting: 2 });
    try {
      const ok = [m.generate({ promptTokenIds: [1, 5], params: greedy(2) }), m.generate({ promptTokenIds: [1, 6], params: greedy(2) })];
      expect(() => m.generate({ promptTokenIds: [1, 7], params: greedy(2) })).toThrow(EngineOverloadedError);
      for (const it of ok) for await (const e of it) void e;
    } finally {
      await m.close();
    }
  });

  it('splits long prompts into chunks (chunked prefill) with identical outputs and prompt logprobs', async () => {
    const chunked = await createServedModel(dir, { threads: 1, maxBatchTokens: 8 });
    try {
      const ids = model.encode('the quick brown fox jumps over the lazy dog and then the cat');
      expect(ids.length).toBeGreaterThan(20);
      const p = greedy(8, { promptLogprobs: 1, logprobs: 1 });
      const a = await run(model, ids, p);
      const b = await run(chunked, ids, p);
      expect(b.ids).toEqual(a.ids);
      const pa = a.events[0].promptLogprobs ?? [];
      const pb = b.events[0].promptLogprobs ?? [];
      expect(pb).toHaveLength(ids.length);
      pb.forEach((x, i) => expect(x?.logprob ?? 0).toBeCloseTo(pa[i]?.logprob ?? 0, 4));
    } finally {
      await chunked.close();
    }
  });

  it('rejects prompts longer than the model', () => {
    expect(() => model.generate({ promptTokenIds: new Array(600).fill(5), params: greedy(1) })).toThrow(/at most/);
  });
});

describe('embeddings', () => {
  it('are L2-normalised, deterministic and batch-independent', async () => {
    const inputs = ['the cat', 'a dog in the house', 'the cat'].map((t) => model.encode(t));
    const vecs = await model.embed(inputs);
    expect(vecs).toHaveLength(3);
    for (const v of vecs) {
      expect(v).toHaveLength(64);
      expect(Math.hypot(...v)).toBeCloseTo(1, 9);
    }
    expect(vecs[2]).toEqual(vecs[0]);
    expect(vecs[1]).not.toEqual(vecs[0]);
    const [solo] = await model.embed([inputs[1]]);
    solo.forEach((x, i) => expect(x).toBeCloseTo(vecs[1][i], 6));
  });

  it('count their inputs as prompt tokens, as generation counts its prompt', async () => {
    const before = model.stats().promptTokensTotal;
    const inputs = ['the cat', 'a dog in the house'].map((t) => model.encode(t));
    await model.embed(inputs);
    expect(model.stats().promptTokensTotal - before).toBe(inputs[0].length + inputs[1].length);
    await run(model, 'the cat sat', greedy(3));
    expect(model.stats().promptTokensTotal - before).toBe(inputs[0].length + inputs[1].length + model.encode('the cat sat').length);
  });

  it('stop at an abort: the inputs not yet embedded are dropped and the promise rejects', async () => {
    // 256 inputs of 400 tokens: far more prefill than the few steps an abort may take to be seen.
    const inputs = Array.from({ length: 256 }, (_, i) => Array.from({ length: 400 }, (_, j) => 3 + ((i + j) % 290)));
    const total = 256 * 400;
    const before = model.stats().promptTokensTotal;
    const ac = new AbortController();
    const pending = model.embed(inputs, ac.signal);
    await waitFor(() => model.stats().promptTokensTotal > before, 30_000, 1);
    ac.abort();
    await expect(pending).rejects.toThrow(/aborted/);
    await waitFor(() => model.stats().running + model.stats().waiting === 0, 30_000, 1);
    expect(model.stats().promptTokensTotal - before).toBeLessThan(total / 4);
    expect(model.stats().kvCacheUsage).toBe(0);

    const already = new AbortController();
    already.abort();
    const from = model.stats().promptTokensTotal;
    await expect(model.embed(inputs.slice(0, 4), already.signal)).rejects.toThrow(/aborted/);
    expect(model.stats().promptTokensTotal).toBe(from);
  });
});
