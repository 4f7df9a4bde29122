import { PlatformError } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';
import { checkInput } from './input-check';
import { moderationPolicy } from './policy';
import type { HapScorer } from './types';

/** Texts per Moderate call: the shields send one; a bound keeps one call's detector work in check. */
export const MODERATE_MAX_TEXTS = 64;
/** All texts together, in characters: a generation's input bound (the gateway's 4 MiB string). */
export const MODERATE_MAX_CHARS = 4 * 1024 * 1024;

/**
 * The `Moderate` RPC: each text checked exactly as a generation's input is (`checkInput`, the same detectors and
 * thresholds), without a model. Texts are checked one after another, so one call holds at most one text's work.
 */
export async function moderateTexts(
  req: inferenceV1.ModerateRequest,
  scorer: HapScorer,
  signal: AbortSignal,
): Promise<inferenceV1.ModerateResponse> {
  if (req.texts.length > MODERATE_MAX_TEXTS)
    throw PlatformError.invalid(`texts has ${req.texts.length} entries; at most ${MODERATE_MAX_TEXTS} are allowed.`, 'texts');
  const chars = req.texts.reduce((n, t) => n + t.length, 0);
  if (chars > MODERATE_MAX_CHARS)
    throw PlatformError.invalid(`texts have ${chars} characters together; at most ${MODERATE_MAX_CHARS} are allowed.`, 'texts');
  const policy = moderationPolicy(req.moderations);
  const results: inferenceV1.ModerationResults[] = [];
  for (const text of req.texts) {
    signal.throwIfAborted();
    results.push(policy ? await checkInput(text, policy, scorer, signal) : { hap: [], pii: [] });
  }
  return { results };
}
