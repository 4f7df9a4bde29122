import type { inferenceV1 } from '@platform/contracts';
import { splitSentences } from './hap/sentences';
import { detectPii } from './pii/pii-detector';
import type { HapScorer } from './types';

type Finding = inferenceV1.ModerationFinding;

// Scores are reported to four decimals: more is noise from the arithmetic, not information.
const round = (x: number) => Math.round(x * 10000) / 10000;

/** PII in `text` scoring at least `threshold`; positions shifted by `offset` (where `text` sits in the whole). */
export function findPii(text: string, offset: number, threshold: number, input: boolean): Finding[] {
  return detectPii(text)
    .filter((s) => s.score >= threshold)
    .map((s) => ({ score: round(s.score), input, position: { start: offset + s.start, end: offset + s.end }, entity: s.entity, word: '' }));
}

/**
 * Sentences of `text` whose HAP score reaches `threshold`. As watsonx reports them: the entity is `has_HAP`, the
 * position is the sentence's and `word` is the sentence.
 */
export async function findHap(
  text: string,
  offset: number,
  threshold: number,
  input: boolean,
  scorer: HapScorer,
  signal: AbortSignal,
): Promise<Finding[]> {
  const sentences = splitSentences(text);
  const scores = await scorer.score(
    sentences.map((s) => s.text),
    signal,
  );
  return sentences.flatMap((s, i) =>
    scores[i] >= threshold
      ? [{ score: round(scores[i]), input, position: { start: offset + s.start, end: offset + s.end }, entity: 'has_HAP', word: s.text }]
      : [],
  );
}
