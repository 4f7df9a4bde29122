import { describe, expect, it } from 'vitest';
import { RRF_K, reciprocalRankFusion } from './reciprocal-rank-fusion';

const id = (s: string): string => s;

describe('reciprocalRankFusion', () => {
  it('scores Σ 1/(k + rank) with k = 60 and ranks an item both lists hold above one only either ranks first', () => {
    const fused = reciprocalRankFusion(
      [
        ['a', 'b', 'c'],
        ['d', 'b', 'a'],
      ],
      id,
    );
    expect(RRF_K).toBe(60);
    expect(fused.map((f) => f.item)).toEqual(['a', 'b', 'd', 'c']);
    expect(fused[0].score).toBeCloseTo(1 / 61 + 1 / 63, 12);
    expect(fused[1].score).toBeCloseTo(2 / 62, 12);
    expect(fused[0].ranks).toEqual([1, 3]);
    expect(fused[2].ranks).toEqual([undefined, 1]);
  });

  it('breaks ties by best single rank, then by first appearance', () => {
    const fused = reciprocalRankFusion([['x', 'y'], ['y', 'x'], ['z']], id);
    // x and y tie on score (1/61 + 1/62); z has 1/61 alone.
    expect(fused.map((f) => f.item)).toEqual(['x', 'y', 'z']);
  });

  it('counts an item once per list, at its best rank, and honours another k', () => {
    const fused = reciprocalRankFusion([['a', 'a', 'b']], id, 1);
    expect(fused.map((f) => [f.item, f.score])).toEqual([
      ['a', 1 / 2],
      ['b', 1 / 4],
    ]);
  });

  it('fuses empty lists to nothing', () => {
    expect(reciprocalRankFusion([[], []], id)).toEqual([]);
  });
});
