import { describe, expect, it } from 'vitest';
import type { OutputConstraint, SamplingParams } from './contract';
import { Rng } from './rng';
import { applyTokenMask, logSoftmax, NOTHING_ALLOWED, rankOf, type SamplerState, sampleNext, topN } from './sampler';

const probs = [0.5, 0.3, 0.15, 0.05];
const logits = Float32Array.from(probs.map(Math.log));

function state(params: Partial<SamplingParams>, seed = 1): SamplerState {
  return {
    params: { maxTokens: 1, ...params },
    rng: new Rng(seed),
    seen: new Set(),
    outputCounts: new Map(),
    outputLength: 0,
    stopIds: [],
    eosIds: [],
  };
}

function histogram(params: Partial<SamplingParams>, n = 4000): number[] {
  const s = state(params);
  const h = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) h[sampleNext(logits, s).tokenId]++;
  return h.map((c) => c / n);
}

describe('sampler', () => {
  it('samples the softmax distribution at temperature 1', () => {
    histogram({ temperature: 1 }).forEach((f, i) => expect(f).toBeCloseTo(probs[i], 1));
  });

  it('top-p keeps the smallest nucleus reaching p, renormalised', () => {
    const h = histogram({ temperature: 1, topP: 0.7 });
    expect(h[2] + h[3]).toBe(0);
    expect(h[0]).toBeCloseTo(0.5 / 0.8, 1);
  });

  it('top-k keeps the k most likely tokens', () => {
    const h = histogram({ temperature: 1, topK: 2 });
    expect(h[2] + h[3]).toBe(0);
  });

  it('low temperature sharpens, greedy is argmax', () => {
    expect(histogram({ temperature: 0.05 })[0]).toBeGreaterThan(0.99);
    expect(sampleNext(logits, state({ temperature: 0 })).tokenId).toBe(0);
  });

  it('min tokens masks stop ids; penalties follow vLLM formulas', () => {
    const s = state({ temperature: 0, minTokens: 1 });
    s.stopIds = [0];
    expect(sampleNext(logits, s).tokenId).toBe(1);
    const pen = state({ temperature: 0, frequencyPenalty: 0.2, presencePenalty: 0.2 });
    pen.outputCounts.set(0, 2); // 0.5 → log 0.5 - 0.6 < log 0.3
    expect(sampleNext(logits, pen).tokenId).toBe(1);
    const rep = state({ temperature: 0, repetitionPenalty: 2 });
    rep.seen.add(0); // negative logit multiplied: log 0.5 · 2 < log 0.3
    expect(sampleNext(logits, rep).tokenId).toBe(1);
  });

  it('logprob helpers: normalised, ranked, top-n sorted', () => {
    const lp = logSoftmax(logits);
    expect(Array.from(lp).reduce((a, v) => a + Math.exp(v), 0)).toBeCloseTo(1, 12);
    expect(rankOf(lp, 2)).toBe(3);
    expect(topN(lp, 2).map((t) => t.tokenId)).toEqual([0, 1]);
    const pick = sampleNext(logits, state({ temperature: 0, logprobs: 2 }));
    expect(pick.logprob).toBeCloseTo(Math.log(0.5), 6);
    expect(pick.rank).toBe(1);
  });

  it('logit bias shifts raw logits before sampling; logprobs stay raw', () => {
    const pick = sampleNext(logits, state({ temperature: 0, logprobs: 1, logitBias: new Map([[3, 5]]) }));
    expect(pick.tokenId).toBe(3);
    expect(pick.logprob).toBeCloseTo(Math.log(0.05), 6);
    expect(histogram({ temperature: 1, logitBias: new Map([[0, -100]]) })[0]).toBe(0);
  });

  it('a constraint mask leaves only allowed tokens; nothing allowed is reported, not sampled', () => {
    const only = (ids: number[]): OutputConstraint => ({
      allowedTokens: () => Int32Array.of(ids.reduce((w, id) => w | (1 << id), 0)),
      accept: () => true,
      isTerminated: () => false,
      release: () => undefined,
    });
    const h = histogram({ temperature: 1, constraint: only([2, 3]) });
    expect(h[0] + h[1]).toBe(0);
    expect(h[2]).toBeCloseTo(0.75, 1);
    expect(sampleNext(logits, state({ temperature: 0, constraint: only([]) })).tokenId).toBe(NOTHING_ALLOWED);
    expect(sampleNext(logits, state({ temperature: 1, topP: 0.5, constraint: only([]) })).tokenId).toBe(NOTHING_ALLOWED);
    // EOS allowed by the grammar but not usable (ignore_eos): the output is complete, so nothing is left to sample.
    const eos = state({ temperature: 0, ignoreEos: true, constraint: only([1]) });
    eos.eosIds = [1];
    expect(sampleNext(logits, eos).tokenId).toBe(NOTHING_ALLOWED);
  });

  it('applyTokenMask skips all-ones words and masks ids beyond the mask', () => {
    const row = new Float64Array(70).fill(1);
    applyTokenMask(row, Int32Array.of(-1, 0b101));
    expect(row.slice(0, 32).every((v) => v === 1)).toBe(true);
    expect([row[32], row[33], row[34], row[35]]).toEqual([1, -Infinity, 1, -Infinity]);
    expect(row.slice(64).every((v) => v === -Infinity)).toBe(true);
  });
});
