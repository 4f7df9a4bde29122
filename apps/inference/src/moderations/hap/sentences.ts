/** A sentence of a text and where it is: [start, end) with surrounding whitespace left out. */
export interface Sentence {
  text: string;
  start: number;
  end: number;
}

// A sentence ends at ., ! or ? (runs of them) followed by whitespace, or at a line break. A dot followed by a
// non-space ("usps.com", "3.5") is not an end, so no PII entity is ever cut in two at a sentence boundary.
const BOUNDARY = /[.!?]+(?=\s)|\n/g;

/** Splits `text` into trimmed sentences; text after the last boundary is a sentence too. */
export function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  let from = 0;
  const push = (start: number, end: number) => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (body) out.push({ text: body, start: start + lead, end: start + lead + body.length });
  };
  for (const m of text.matchAll(BOUNDARY)) {
    const end = m.index + m[0].length;
    push(from, end);
    from = end;
  }
  push(from, text.length);
  return out;
}

/**
 * Where a growing text can be cut so that everything before the cut is whole sentences: just after the last
 * boundary that is followed by whitespace already received. 0 when there is none yet.
 */
export function lastCompleteSentenceEnd(text: string): number {
  let cut = 0;
  for (const m of text.matchAll(BOUNDARY)) {
    const end = m.index + m[0].length;
    if (end < text.length) cut = end;
  }
  return cut;
}
