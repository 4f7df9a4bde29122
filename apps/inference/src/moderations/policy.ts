import type { inferenceV1 } from '@platform/contracts';

/** One side (input or output) of one moderation, switched on, with the minimum score a finding needs. */
export interface SideCheck {
  threshold: number;
}

export interface KindPolicy {
  input?: SideCheck;
  output?: SideCheck;
  mask: boolean;
}

export interface ModerationPolicy {
  hap: KindPolicy;
  pii: KindPolicy;
  inputRanges: { start: number; end: number }[];
}

/** watsonx's documented HAP default. */
export const HAP_DEFAULT_THRESHOLD = 0.5;
// watsonx documents no PII threshold. 0.4 is Presidio's floor for a hit with context: it keeps every validated
// entity and every phone number (0.4) but drops the "very weak" patterns (nine bare digits as an SSN, 0.05) unless
// a context word such as "SSN" lifts them.
export const PII_DEFAULT_THRESHOLD = 0.4;

function side(m: inferenceV1.TextModeration | null | undefined, fallback: number): SideCheck | undefined {
  // The object being there says the caller wants it; watsonx's own examples send `enabled: true` explicitly.
  if (!m || m.enabled === false) return undefined;
  return { threshold: m.threshold ?? fallback };
}

function kind(k: inferenceV1.ModerationKind | null | undefined, fallback: number): KindPolicy {
  return { input: side(k?.input, fallback), output: side(k?.output, fallback), mask: k?.mask?.removeEntityValue ?? false };
}

/** The request's moderations as what to check; undefined when nothing is switched on. */
export function moderationPolicy(m: inferenceV1.Moderations | null | undefined): ModerationPolicy | undefined {
  if (!m) return undefined;
  const policy = {
    hap: kind(m.hap, HAP_DEFAULT_THRESHOLD),
    pii: kind(m.pii, PII_DEFAULT_THRESHOLD),
    inputRanges: (m.inputRanges ?? []).map((r) => ({ start: r.start, end: r.end })),
  };
  const any = policy.hap.input || policy.hap.output || policy.pii.input || policy.pii.output;
  return any ? policy : undefined;
}
