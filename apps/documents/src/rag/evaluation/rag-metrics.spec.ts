import { describe, expect, it } from 'vitest';
import { answerTokens, matchedTokens } from './answer-tokens';
import { answerCorrectness, contextCorrectness, faithfulness, scoreQuestion } from './rag-metrics';

describe('answerTokens', () => {
  it('lower-cases, turns punctuation and symbols into spaces and drops articles', () => {
    expect(answerTokens("The U.S.-made car's wheels!")).toEqual(['u', 's', 'made', 'car', 's', 'wheels']);
    expect(answerTokens('An apple, a pear & THE plum: 42%')).toEqual(['apple', 'pear', 'plum', '42']);
    // NFKC: the full-width letters and the ligature compare equal to their plain forms.
    expect(answerTokens('ＰＡＲＩＳ ﬁle')).toEqual(['paris', 'file']);
    expect(answerTokens(' ... the ')).toEqual([]);
  });

  it('matches token bags: each pooled token is used once', () => {
    expect(matchedTokens(['new', 'york', 'new', 'york'], ['new', 'york'])).toBe(2);
    expect(matchedTokens(['a', 'b'], ['b', 'b', 'a'])).toBe(2);
    expect(matchedTokens([], ['x'])).toBe(0);
  });
});

describe('answer_correctness (recall of the correct answer’s tokens in the answer)', () => {
  it('is |correct ∩ answer| / |correct| on hand-computed examples', () => {
    // correct → [paris, is, capital, of, france] (5); answer → [capital, is, paris]: 3 of 5.
    expect(answerCorrectness('The capital is Paris.', 'Paris is the capital of France')).toBeCloseTo(3 / 5, 12);
    // correct → [new, york, new, york]; answer → [new, york]: 2 of 4.
    expect(answerCorrectness('new york', 'New York, New York')).toBeCloseTo(2 / 4, 12);
    // Extra words in the answer do not lower recall.
    expect(answerCorrectness('It was 1969, in July, with Apollo 11', 'July 1969')).toBe(1);
    expect(answerCorrectness('I do not know', 'July 1969')).toBe(0);
    expect(answerCorrectness('', 'July 1969')).toBe(0);
    expect(answerCorrectness('anything', 'The.')).toBe(0);
  });
});

describe('faithfulness (share of the answer’s tokens found in the retrieved contexts)', () => {
  it('is |answer ∩ contexts| / |answer| on hand-computed examples', () => {
    // answer → [paris, is, in, france, and, spain] (6); context → [paris, is, capital, of, france]: 3 of 6.
    expect(faithfulness('Paris is in France and Spain', ['Paris is the capital of France.'])).toBeCloseTo(3 / 6, 12);
    // The contexts are pooled; a token the contexts hold once supports one occurrence in the answer.
    expect(faithfulness('Paris Paris', ['Paris'])).toBeCloseTo(1 / 2, 12);
    expect(faithfulness('Paris Paris', ['Paris', 'paris!'])).toBe(1);
    expect(faithfulness('Lyon', ['Paris'])).toBe(0);
    expect(faithfulness('', ['Paris'])).toBe(0);
    expect(faithfulness('Paris', [])).toBe(0);
  });
});

describe('context_correctness (reciprocal rank of the first chunk of a correct document)', () => {
  it('is 1 / rank of the first hit, 0 without one', () => {
    expect(contextCorrectness(['a.md', 'b.md'], ['a.md'])).toBe(1);
    expect(contextCorrectness(['b.md', 'c.md', 'a.md', 'a.md'], ['a.md'])).toBeCloseTo(1 / 3, 12);
    expect(contextCorrectness(['b.md', 'c.md', 'a.md'], ['x.md', 'c.md'])).toBeCloseTo(1 / 2, 12);
    expect(contextCorrectness(['b.md', 'c.md'], ['a.md'])).toBe(0);
    expect(contextCorrectness([], ['a.md'])).toBe(0);
  });
});

describe('scoreQuestion', () => {
  it('gives the three scores of one answered question', () => {
    const question = { question: 'Where is the Eiffel tower?', correctAnswer: 'In Paris', correctAnswerDocumentIds: ['paris.md'] };
    const contexts = [
      { document_id: 'rome.md', sequence_number: 0, text: 'Rome has the Colosseum.', score: 0.9 },
      { document_id: 'paris.md', sequence_number: 3, text: 'The Eiffel tower stands in Paris.', score: 0.8 },
    ];
    // correct → [in, paris]; answer → [it, stands, in, paris] → recall 2/2; in contexts: stands, in, paris → 3/4.
    expect(scoreQuestion(question, 'It stands in Paris.', contexts)).toEqual({
      answer_correctness: 1,
      faithfulness: 3 / 4,
      context_correctness: 1 / 2,
    });
    // Retrieval ranked paris.md first, but only the rome.md chunk fit in the prompt: faithfulness reads the prompt's
    // chunks (stands, in, paris are not in it: 0 of 4), context_correctness the retrieval's ranking.
    expect(scoreQuestion(question, 'It stands in Paris.', [contexts[0]], [contexts[1], contexts[0]])).toEqual({
      answer_correctness: 1,
      faithfulness: 0,
      context_correctness: 1,
    });
  });
});
