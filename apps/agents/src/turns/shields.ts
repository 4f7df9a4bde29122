import type { inferenceV1 } from '@platform/contracts';
import type { ShieldSpec } from '../agents/shield-config';
import type { ModelPort } from './model-port';
import type { Violation } from './turn-types';

/** The shields' categories as one input moderation request (the strictest threshold of each category wins). */
export function moderationsOf(shields: readonly ShieldSpec[]): inferenceV1.Moderations | undefined {
  const pick = (kind: 'hap' | 'pii'): inferenceV1.ModerationKind | undefined => {
    const on = shields.map((s) => s[kind]).filter((k) => k !== undefined);
    if (on.length === 0) return undefined;
    const thresholds = on.map((k) => k.threshold).filter((t): t is number => t !== undefined);
    return {
      input: { enabled: true, threshold: thresholds.length ? Math.min(...thresholds) : undefined },
      output: undefined,
      mask: undefined,
    };
  };
  const hap = pick('hap');
  const pii = pick('pii');
  return hap || pii ? { hap, pii, inputRanges: [] } : undefined;
}

const WHERE: Record<string, string> = {
  input: 'the message',
  output: 'the answer',
  tool_input: 'the tool call',
  tool_output: "the tool's response",
};

/**
 * Runs the shields over `text`: the first finding is the violation. Details name the category, entity and score, never
 * the flagged text itself (it may be the personal data the shield is there to hold back).
 */
export async function checkShields(
  port: ModelPort,
  shields: readonly ShieldSpec[],
  text: string,
  side: keyof typeof WHERE,
  signal: AbortSignal,
): Promise<Violation | undefined> {
  const moderations = moderationsOf(shields);
  if (!moderations || !text.trim()) return undefined;
  const found = await port.moderate(text, moderations, signal);
  const hap = found.hap[0];
  const pii = found.pii[0];
  if (hap)
    return {
      violation_type: 'hap',
      details: `The HAP moderation flagged ${WHERE[side]} (score ${hap.score.toFixed(2)}).`,
      suggested_user_response: 'I cannot help with that: the content was flagged as hateful, abusive or profane.',
    };
  if (pii)
    return {
      violation_type: 'pii',
      details: `The PII moderation found ${pii.entity || 'personal data'} in ${WHERE[side]} (score ${pii.score.toFixed(2)}).`,
      suggested_user_response: 'I cannot help with that: the content contains personal data. Please remove it and try again.',
    };
  return undefined;
}
