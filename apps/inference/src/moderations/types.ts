/** A detected span of a text: [start, end) in UTF-16 code units, the unit JavaScript strings and watsonx count in. */
export interface Span {
  start: number;
  end: number;
  score: number;
  entity: string;
}

/** A PII pattern recognizer in the manner of Presidio's predefined ones: candidates, validated, each with a score. */
export interface Recognizer {
  readonly entity: string;
  /** Words that, within a few words before a candidate, raise its score (Presidio's context enhancement). */
  readonly context: readonly string[];
  find(text: string): Span[];
}

/** Scores sentences for hate, abuse and profanity in [0, 1]; the lexicon baseline or a classifier endpoint. */
export interface HapScorer {
  score(sentences: readonly string[], signal: AbortSignal): Promise<number[]>;
}
