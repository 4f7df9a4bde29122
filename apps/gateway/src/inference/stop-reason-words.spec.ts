import { inferenceV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { LLAMA_STACK_STOP_REASON } from '../llama-stack/from-inference';
import { OPENAI_FINISH_REASON } from './openai/openai-mapping';
import { WATSONX_FINISH_REASON, WATSONX_STOP_REASON } from './watsonx-views';

const S = inferenceV1.StopReason;
const every = Object.values(S);

describe("each surface's words for the contract's stop reasons", () => {
  it('every table names every reason', () => {
    for (const table of [WATSONX_STOP_REASON, WATSONX_FINISH_REASON, OPENAI_FINISH_REASON, LLAMA_STACK_STOP_REASON])
      expect(Object.keys(table).sort()).toEqual([...every].sort());
  });

  it('watsonx generation uses its stop_reason words, empty for an unsuitable input', () => {
    expect(WATSONX_STOP_REASON[S.STOP_REASON_NOT_FINISHED]).toBe('not_finished');
    expect(WATSONX_STOP_REASON[S.STOP_REASON_EOS_TOKEN]).toBe('eos_token');
    expect(WATSONX_STOP_REASON[S.STOP_REASON_STOP_SEQUENCE]).toBe('stop_sequence');
    expect(WATSONX_STOP_REASON[S.STOP_REASON_MAX_TOKENS]).toBe('max_tokens');
    expect(WATSONX_STOP_REASON[S.STOP_REASON_TIME_LIMIT]).toBe('time_limit');
    expect(WATSONX_STOP_REASON[S.STOP_REASON_ERROR]).toBe('error');
    expect(WATSONX_STOP_REASON[S.STOP_REASON_UNSPECIFIED]).toBe('');
  });

  it('watsonx chat keeps time_limit; OpenAI reads a time limit as length', () => {
    expect(WATSONX_FINISH_REASON[S.STOP_REASON_TIME_LIMIT]).toBe('time_limit');
    expect(OPENAI_FINISH_REASON[S.STOP_REASON_TIME_LIMIT]).toBe('length');
    for (const table of [WATSONX_FINISH_REASON, OPENAI_FINISH_REASON]) {
      expect(table[S.STOP_REASON_NOT_FINISHED]).toBeNull();
      expect(table[S.STOP_REASON_EOS_TOKEN]).toBe('stop');
      expect(table[S.STOP_REASON_STOP_SEQUENCE]).toBe('stop');
      expect(table[S.STOP_REASON_MAX_TOKENS]).toBe('length');
      expect(table[S.STOP_REASON_TOOL_CALLS]).toBe('tool_calls');
      expect(table[S.STOP_REASON_ERROR]).toBe('error');
    }
  });
});
