import type { Recognizer, Span } from '../types';
import { creditCardRecognizer } from './credit-card';
import { emailRecognizer } from './email';
import { ipAddressRecognizer } from './ip-address';
import { phoneNumberRecognizer } from './phone-number';
import { urlRecognizer } from './url';
import { usSsnRecognizer } from './us-ssn';

export const RECOGNIZERS: readonly Recognizer[] = [
  emailRecognizer,
  phoneNumberRecognizer,
  creditCardRecognizer,
  usSsnRecognizer,
  ipAddressRecognizer,
  urlRecognizer,
];

// Presidio's LemmaContextAwareEnhancer defaults: a context word among the 5 words before a hit adds 0.35 and
// lifts the score to at least 0.4.
const CONTEXT_WINDOW = 5;
const CONTEXT_BOOST = 0.35;
const CONTEXT_FLOOR = 0.4;

function wordsBefore(text: string, start: number): string[] {
  const words =
    text
      .slice(Math.max(0, start - 200), start)
      .toLowerCase()
      .match(/[a-z][a-z-]*/g) ?? [];
  return words.slice(-CONTEXT_WINDOW);
}

function withContext(text: string, span: Span, context: readonly string[]): Span {
  if (span.score >= 1) return span;
  const words = wordsBefore(text, span.start);
  // A plural or possessive ("numbers", "phone's") still names the thing.
  const hit = words.some((w) => context.some((c) => w === c || w === `${c}s` || w.startsWith(`${c}'`)));
  return hit ? { ...span, score: Math.min(1, Math.max(span.score + CONTEXT_BOOST, CONTEXT_FLOOR)) } : span;
}

/**
 * Overlapping hits of different recognizers (the domain of an email is also a URL; a card number holds phone-like
 * runs) resolve to the most certain, then the longest, so one span is reported and masked once.
 */
function resolveOverlaps(spans: Span[]): Span[] {
  const kept: Span[] = [];
  const ranked = [...spans].sort((a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start);
  for (const s of ranked) if (!kept.some((k) => s.start < k.end && k.start < s.end)) kept.push(s);
  return kept.sort((a, b) => a.start - b.start);
}

/** Every PII entity in `text` with its score, context applied, overlaps resolved, in text order. */
export function detectPii(text: string, recognizers: readonly Recognizer[] = RECOGNIZERS): Span[] {
  const spans = recognizers.flatMap((r) => r.find(text).map((s) => withContext(text, s, r.context)));
  return resolveOverlaps(spans);
}
