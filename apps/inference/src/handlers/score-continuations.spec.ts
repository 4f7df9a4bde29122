import { describe, expect, it } from 'vitest';
import { continuationLogprob } from './score-continuations';

// "Answer: B" tokenized as ["Answer", ":", " B"]: offsets 0, 6, 7.
const tokens = [
  { text: 'Answer', offset: 0 },
  { text: ':', logprob: -0.5, offset: 6 },
  { text: ' B', logprob: -1.25, offset: 7 },
];

describe('continuationLogprob', () => {
  it('sums the tokens that cover the continuation only', () => {
    expect(continuationLogprob(tokens, 'Answer:'.length, 'Answer: B'.length)).toEqual({ logprob: -1.25, tokenCount: 1 });
  });

  it('counts a token that straddles the boundary rather than losing the continuation', () => {
    // "Answer: B" with the continuation ": B" after "Answer": the ":" token starts exactly at the boundary.
    expect(continuationLogprob(tokens, 'Answer'.length, 'Answer: B'.length)).toEqual({ logprob: -1.75, tokenCount: 2 });
    // A merged ": B" token starting before the boundary still belongs to the continuation " B".
    const merged = [
      { text: 'Answer', offset: 0 },
      { text: ': B', logprob: -2, offset: 6 },
    ];
    expect(continuationLogprob(merged, 'Answer:'.length, 'Answer: B'.length)).toEqual({ logprob: -2, tokenCount: 1 });
  });
});
