import { inferenceV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { backendStopReason } from './stop-reason';

const S = inferenceV1.StopReason;

describe('backend stop reasons', () => {
  it('reads the OpenAI dialect (vLLM, engine server): stop is a stop sequence only when vLLM names the string', () => {
    expect(backendStopReason('stop', '###')).toBe(S.STOP_REASON_STOP_SEQUENCE);
    expect(backendStopReason('stop', 2)).toBe(S.STOP_REASON_EOS_TOKEN);
    expect(backendStopReason('stop', null)).toBe(S.STOP_REASON_EOS_TOKEN);
    expect(backendStopReason('length', null)).toBe(S.STOP_REASON_MAX_TOKENS);
    expect(backendStopReason('tool_calls')).toBe(S.STOP_REASON_TOOL_CALLS);
  });

  it("reads TGI's words", () => {
    expect(backendStopReason('eos_token')).toBe(S.STOP_REASON_EOS_TOKEN);
    expect(backendStopReason('stop_sequence')).toBe(S.STOP_REASON_STOP_SEQUENCE);
    expect(backendStopReason('length')).toBe(S.STOP_REASON_MAX_TOKENS);
  });

  it('still generating, or given up (abort), is no finish; an unknown word finishes without a named reason', () => {
    expect([null, undefined, '', 'abort'].map((w) => backendStopReason(w))).toEqual([undefined, undefined, undefined, undefined]);
    expect(backendStopReason('content_filter')).toBe(S.STOP_REASON_UNSPECIFIED);
  });
});
