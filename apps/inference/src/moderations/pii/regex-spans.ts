import type { Span } from '../types';

/** Every match of a global pattern as a span, keeping those `accept` returns a score for (null = rejected). */
export function regexSpans(text: string, pattern: RegExp, entity: string, accept: (match: RegExpExecArray) => number | null): Span[] {
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  const spans: Span[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const score = accept(m);
    if (score !== null) spans.push({ start: m.index, end: m.index + m[0].length, score, entity });
  }
  return spans;
}
