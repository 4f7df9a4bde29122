import { inferenceV1 } from '@platform/contracts';

type StopReason = inferenceV1.StopReason;
const S = inferenceV1.StopReason;

/**
 * The model servers' words for why they stopped, onto the contract's StopReason: the only place they are read.
 * vLLM and the engine server speak OpenAI's dialect (`stop`, `length`, `tool_calls`), TGI its own (`eos_token`,
 * `stop_sequence`, `length`). `abort` is missing on purpose: the server gave up, which the handlers treat as a stream
 * that ended early (retried before the first byte, an error after it), not as a finish.
 */
const BACKEND_WORDS: Readonly<Record<string, StopReason>> = {
  length: S.STOP_REASON_MAX_TOKENS,
  eos_token: S.STOP_REASON_EOS_TOKEN,
  stop_sequence: S.STOP_REASON_STOP_SEQUENCE,
  tool_calls: S.STOP_REASON_TOOL_CALLS,
  function_call: S.STOP_REASON_TOOL_CALLS,
};

/**
 * A backend's finish reason; undefined while it is still generating. OpenAI's `stop` covers both the end-of-sequence
 * token and a stop sequence: vLLM names the matched stop string in `stop_reason`, a token id (or nothing) means EOS.
 * A word no table knows still ends the choice, with an unspecified reason.
 */
export function backendStopReason(finish: string | null | undefined, stopDetail?: string | number | null): StopReason | undefined {
  if (!finish || finish === 'abort') return undefined;
  if (finish === 'stop') return typeof stopDetail === 'string' ? S.STOP_REASON_STOP_SEQUENCE : S.STOP_REASON_EOS_TOKEN;
  return BACKEND_WORDS[finish] ?? S.STOP_REASON_UNSPECIFIED;
}
