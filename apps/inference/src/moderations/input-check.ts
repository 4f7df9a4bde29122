import type { inferenceV1 } from '@platform/contracts';
import { checkText } from './check-text';
import type { ModerationPolicy } from './policy';
import type { HapScorer } from './types';

/** The parts of the input to check: the request's `input_ranges`, clamped to the input, or all of it. */
function ranges(input: string, policy: ModerationPolicy): { start: number; end: number }[] {
  if (policy.inputRanges.length === 0) return [{ start: 0, end: input.length }];
  return policy.inputRanges
    .map((r) => ({ start: Math.max(0, Math.min(r.start, input.length)), end: Math.max(0, Math.min(r.end, input.length)) }))
    .filter((r) => r.end > r.start);
}

/** Findings of the input moderations (empty lists when none fired or none are on). */
export async function checkInput(
  input: string,
  policy: ModerationPolicy,
  scorer: HapScorer,
  signal: AbortSignal,
): Promise<inferenceV1.ModerationResults> {
  const out: inferenceV1.ModerationResults = { hap: [], pii: [] };
  if (!policy.hap.input && !policy.pii.input) return out;
  for (const r of ranges(input, policy)) {
    const { findings } = await checkText(input.slice(r.start, r.end), r.start, 'input', policy, scorer, signal);
    out.hap.push(...findings.hap);
    out.pii.push(...findings.pii);
  }
  return out;
}

/** The id and wording watsonx (and the Python SDK, which looks the id up) use when an input moderation fires. */
export const UNSUITABLE_INPUT: inferenceV1.ServiceWarning = {
  id: 'UNSUITABLE_INPUT',
  message: 'Unsuitable input detected. Please check the detected entities on your input and try again with the unsuitable input removed.',
};
