import { describe, expect, it } from 'vitest';
import type { ChunkingSetting, RagConstraints, RetrievalSetting } from './rag-types';
import {
  chunksInPrompt,
  indexSettings,
  maxCombinations,
  planPatterns,
  rankRetrievalCandidates,
  retrievalCandidates,
  sampleIndexSettings,
} from './search-space';

const chunk = (chunk_size: number, chunk_overlap = 0): ChunkingSetting => ({ method: 'recursive', chunk_size, chunk_overlap });
const simple = (n: number): RetrievalSetting => ({ method: 'simple', number_of_chunks: n });
const window = (n: number, w: number): RetrievalSetting => ({ method: 'window', number_of_chunks: n, window_size: w });

const constraints = (over: Partial<RagConstraints> = {}): RagConstraints => ({
  chunking: [chunk(256, 64), chunk(512, 128)],
  embedding_models: ['starter'],
  retrieval: [simple(5), window(5, 2)],
  foundation_models: ['starter'],
  max_number_of_rag_patterns: 8,
  ...over,
});

describe('the grid', () => {
  it('has chunking × embedding × retrieval × foundation model combinations (max_combinations)', () => {
    expect(maxCombinations(constraints())).toBe(4);
    expect(maxCombinations(constraints({ embedding_models: ['a', 'b'], foundation_models: ['x', 'y', 'z'] }))).toBe(24);
  });

  it('lists chunking × embedding settings chunking outer, and candidates index outer', () => {
    const idx = indexSettings(constraints({ embedding_models: ['a', 'b'] }));
    expect(idx.map((s) => `${s.chunking.chunk_size}/${s.embedding_model}`)).toEqual(['256/a', '256/b', '512/a', '512/b']);
    const cands = retrievalCandidates(idx.slice(0, 2), [simple(5), window(3, 1)]);
    expect(cands.map((c) => `${c.index.embedding_model}:${c.retrieval.method}`)).toEqual(['a:simple', 'a:window', 'b:simple', 'b:window']);
  });

  it('counts the chunks a retrieval setting puts in a prompt', () => {
    expect(chunksInPrompt(simple(5))).toBe(5);
    expect(chunksInPrompt(window(5, 2))).toBe(25);
  });
});

describe('sampleIndexSettings', () => {
  const big = indexSettings(
    constraints({ chunking: [chunk(128), chunk(256, 64), chunk(384), chunk(512, 128)], embedding_models: ['a', 'b', 'c'] }),
  );
  const defaults = [
    { chunking: chunk(256, 64), embedding_model: 'a' },
    { chunking: chunk(512, 128), embedding_model: 'a' },
  ];
  const key = (s: (typeof big)[number]) => `${s.chunking.chunk_size}/${s.embedding_model}`;

  it('keeps every setting up to 8', () => {
    const eight = big.slice(0, 8);
    expect(sampleIndexSettings(eight, { seed: 1 })).toEqual(eight);
  });

  it('samples 8 of 12 by the seed, always with the defaults, in grid order', () => {
    const a = sampleIndexSettings(big, { seed: 11, always: defaults });
    expect(a).toHaveLength(8);
    expect(new Set(a.map(key)).size).toBe(8);
    for (const d of defaults) expect(a.map(key)).toContain(key(d));
    expect(a.map((s) => big.indexOf(s))).toEqual([...a.map((s) => big.indexOf(s))].sort((x, y) => x - y));
    expect(sampleIndexSettings(big, { seed: 11, always: defaults })).toEqual(a);
    // Other seeds draw other samples (of the C(10, 6) = 210 possible, at least one of five seeds differs).
    const others = [12, 13, 14, 15, 16].map((seed) => sampleIndexSettings(big, { seed, always: defaults }).map(key).join());
    expect(others.some((o) => o !== a.map(key).join())).toBe(true);
  });

  it('draws each non-default setting about equally often over many seeds', () => {
    const counts = new Map<string, number>();
    for (let seed = 0; seed < 2000; seed++)
      for (const s of sampleIndexSettings(big, { seed, always: defaults })) counts.set(key(s), (counts.get(key(s)) ?? 0) + 1);
    // 6 of the 10 others are drawn each time: each about 2000 · 0.6 = 1200 times (sd ≈ 22).
    for (const s of big) {
      const n = counts.get(key(s)) ?? 0;
      if (defaults.some((d) => key(d) === key(s))) expect(n).toBe(2000);
      else expect(Math.abs(n - 1200)).toBeLessThan(120);
    }
  });
});

describe('stage 1 and stage 2', () => {
  const idx = indexSettings(constraints());
  const [c1, c2, c3, c4] = retrievalCandidates(idx, [simple(5), window(5, 2)]);

  it('ranks retrieval candidates by context_correctness, then fewer chunks, then grid order', () => {
    const ranked = rankRetrievalCandidates([
      { candidate: c1, contextCorrectness: 0.5 },
      { candidate: c2, contextCorrectness: 0.7 },
      { candidate: c3, contextCorrectness: 0.7 },
      { candidate: c4, contextCorrectness: 0.5 },
    ]);
    // c2 (window, 25 chunks) and c3 (simple, 5) tie at 0.7: c3 first; c1 and c4 tie at 0.5: c1 (simple) first.
    expect(ranked.map((r) => r.candidate)).toEqual([c3, c2, c1, c4]);
  });

  it('pairs ranked candidates with every foundation model before the next candidate, rotating the first model', () => {
    const ranked = [c3, c2, c1, c4];
    const one = planPatterns(ranked, ['m'], 8);
    expect(one.map((p) => [p.name, p.iteration, p.foundation_model])).toEqual([
      ['Pattern1', 1, 'm'],
      ['Pattern2', 2, 'm'],
      ['Pattern3', 3, 'm'],
      ['Pattern4', 4, 'm'],
    ]);
    expect(one.map((p) => ({ index: p.index, retrieval: p.retrieval }))).toEqual(ranked);
    const three = planPatterns(ranked, ['x', 'y', 'z'], 8);
    expect(three.map((p) => `${ranked.findIndex((r) => r.index === p.index && r.retrieval === p.retrieval)}${p.foundation_model}`)).toEqual(
      ['0x', '0y', '0z', '1y', '1z', '1x', '2z', '2x'],
    );
    expect(planPatterns(ranked, ['x', 'y'], 20)).toHaveLength(8);
  });
});
