import type { inferenceV1 } from '@platform/contracts';
import { findHap, findPii } from './find';
import { maskSpans } from './mask';
import type { ModerationPolicy } from './policy';
import type { HapScorer } from './types';

export interface Checked {
  findings: inferenceV1.ModerationResults;
  /** The text with the findings of kinds whose `mask.remove_entity_value` is set replaced by `*`. */
  masked: string;
}

/** Runs the moderations switched on for one side over `text`, which starts at `offset` of the whole. */
export async function checkText(
  text: string,
  offset: number,
  side: 'input' | 'output',
  policy: ModerationPolicy,
  scorer: HapScorer,
  signal: AbortSignal,
): Promise<Checked> {
  const hapSide = policy.hap[side];
  const piiSide = policy.pii[side];
  const input = side === 'input';
  const hap = hapSide ? await findHap(text, offset, hapSide.threshold, input, scorer, signal) : [];
  const pii = piiSide ? findPii(text, offset, piiSide.threshold, input) : [];
  const toMask = [...(policy.hap.mask ? hap : []), ...(policy.pii.mask ? pii : [])].map((f) => f.position!);
  return { findings: { hap, pii }, masked: toMask.length ? maskSpans(text, toMask, offset) : text };
}
