import { describe, expect, it } from 'vitest';
import { applyFilter } from './filtering';

const xs = [3, -1, 2, 0.5].map((score, i) => ({ item: `g${i}`, score }));
const params = { topK: 2, topP: 0.9, sigmoidThreshold: 0.5, seed: 1 };
const items = (r: { item: string }[]) => r.map((x) => x.item);

describe('filtering functions', () => {
  it('none keeps all, top_k the best k', () => {
    expect(items(applyFilter('none', xs, params))).toEqual(['g0', 'g1', 'g2', 'g3']);
    expect(items(applyFilter('top_k', xs, params))).toEqual(['g0', 'g2']);
  });

  it('top_p keeps the best until the softmax mass reaches p', () => {
    // softmax(3, 2, 0.5, -1) ≈ 0.69, 0.25, 0.06, 0.01
    expect(items(applyFilter('top_p', xs, { ...params, topP: 0.6 }))).toEqual(['g0']);
    expect(items(applyFilter('top_p', xs, { ...params, topP: 0.9 }))).toEqual(['g0', 'g2']);
    expect(items(applyFilter('top_k_top_p', xs, { ...params, topK: 1, topP: 0.99 }))).toEqual(['g0']);
  });

  it('sigmoid keeps standardised scores whose sigmoid reaches the threshold; random keeps k, reproducibly', () => {
    // mean 1.125, sd ≈ 1.52: z ≈ 1.23, -1.40, 0.58, -0.41
    expect(items(applyFilter('sigmoid', xs, params))).toEqual(['g0', 'g2']);
    expect(items(applyFilter('sigmoid', xs, { ...params, sigmoidThreshold: 0.7 }))).toEqual(['g0']);
    expect(
      items(
        applyFilter(
          'sigmoid',
          [7, 7].map((score, i) => ({ item: `e${i}`, score })),
          params,
        ),
      ),
    ).toEqual(['e0', 'e1']);
    const r = applyFilter('random', xs, params);
    expect(r).toHaveLength(2);
    expect(applyFilter('random', xs, params)).toEqual(r);
  });
});
