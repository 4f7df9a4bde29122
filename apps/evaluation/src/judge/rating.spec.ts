import { describe, expect, it } from 'vitest';
import { parseRating } from './rating';

describe('parseRating', () => {
  it('reads FastChat verdicts, the last one winning', () => {
    expect(parseRating('The answer is correct. Rating: [[8]]')).toBe(8);
    expect(parseRating('Rating: [[7.5]]')).toBe(7.5);
    expect(parseRating('first [[3]] then on reflection [[6]]')).toBe(6);
  });

  it('falls back to a single bracket only when there is no double one', () => {
    expect(parseRating('Rating: [9]')).toBe(9);
    expect(parseRating('[2] ... [[5]]')).toBe(5);
  });

  it('gives no rating for prose, other brackets or values outside 1–10', () => {
    expect(parseRating('The capital of France is Paris.')).toBeUndefined();
    expect(parseRating('[Question] what [Answer]')).toBeUndefined();
    expect(parseRating('Rating: [[11]]')).toBeUndefined();
    expect(parseRating('Rating: [[0]]')).toBeUndefined();
    expect(parseRating('')).toBeUndefined();
  });
});
