import { describe, expect, it } from 'vitest';
import { inferenceV1 } from '@platform/contracts';
import { CompletionChoice } from './completion-choice';

const S = inferenceV1.StopReason;

const token = (text: string, logprob?: number, top: [string, number][] = []): inferenceV1.GeneratedToken => ({
  text,
  logprob,
  topTokens: top.map(([t, l]) => ({ text: t, logprob: l })),
});

function result(over: Partial<inferenceV1.GenerationResult>): inferenceV1.GenerationResult {
  return {
    generatedText: '',
    generatedTokenCount: 0,
    inputTokenCount: 0,
    stopReason: '',
    stop: S.STOP_REASON_NOT_FINISHED,
    generatedTokens: [],
    inputTokens: [],
    inputText: '',
    moderations: undefined,
    warnings: [],
    ...over,
  };
}

describe('a completion choice in OpenAI legacy shape', () => {
  it('echoes the prompt with its tokens (the first without a logprob) before the generated ones', () => {
    const choice = new CompletionChoice(1, { echo: true, prompt: 'Hi', logprobs: 1 });
    const part = choice.push(
      result({
        generatedText: ' there',
        generatedTokenCount: 2,
        inputTokenCount: 3,
        stop: S.STOP_REASON_MAX_TOKENS,
        inputTokens: [token('<s>'), token('H', -2, [['x', -1]]), token('i', -0.5, [['i', -0.5]])],
        generatedTokens: [token(' ', -0.1, [[' ', -0.1]]), token('there', -0.2, [['here', -0.1]])],
      }),
    );
    expect(part).toEqual({
      index: 1,
      text: 'Hi there',
      finish_reason: 'length',
      logprobs: {
        tokens: ['<s>', 'H', 'i', ' ', 'there'],
        token_logprobs: [null, -2, -0.5, -0.1, -0.2],
        // vLLM's order: the token itself, then its likeliest alternatives.
        top_logprobs: [null, { H: -2, x: -1 }, { i: -0.5 }, { ' ': -0.1 }, { there: -0.2, here: -0.1 }],
        // BOS is not in the text: it sits at 0 and takes no room.
        text_offset: [0, 0, 1, 2, 3],
      },
    });
    expect(choice).toMatchObject({ promptTokens: 3, completionTokens: 2, finish: 'length' });
  });

  it('streams: the prompt comes with the first part only, offsets run on across parts', () => {
    const choice = new CompletionChoice(0, { echo: true, prompt: 'ab', logprobs: 0 });
    const first = choice.push(result({ generatedText: 'c', inputTokens: [token('a'), token('b', -1)], generatedTokens: [token('c', -3)] }));
    expect(first).toMatchObject({ text: 'abc', finish_reason: null, logprobs: { tokens: ['a', 'b', 'c'], text_offset: [0, 1, 2] } });
    const second = choice.push(result({ generatedText: 'de', stop: S.STOP_REASON_EOS_TOKEN, generatedTokens: [token('de', -4)] }));
    expect(second).toEqual({
      index: 0,
      text: 'de',
      finish_reason: 'stop',
      logprobs: { tokens: ['de'], token_logprobs: [-4], top_logprobs: [{ de: -4 }], text_offset: [3] },
    });
  });

  it('without logprobs has logprobs null; without echo offsets start at the generated text', () => {
    expect(new CompletionChoice(0, { echo: true, prompt: 'p', logprobs: undefined }).push(result({ generatedText: 'q' }))).toEqual({
      index: 0,
      text: 'pq',
      logprobs: null,
      finish_reason: null,
    });
    const plain = new CompletionChoice(0, { echo: false, prompt: 'p', logprobs: 2 }).push(
      result({ generatedText: 'xy', inputTokens: [token('p')], generatedTokens: [token('x', -1), token('y', -1)] }),
    );
    expect(plain).toMatchObject({ text: 'xy', logprobs: { tokens: ['x', 'y'], text_offset: [0, 1] } });
  });
});
