/** Replaces each [start, end) of `text` (positions counted from `offset`) by `*` of the same length, as watsonx does. */
export function maskSpans(text: string, spans: readonly { start: number; end: number }[], offset = 0): string {
  const chars = text.split('');
  for (const s of spans) {
    for (let i = Math.max(0, s.start - offset); i < Math.min(text.length, s.end - offset); i++) chars[i] = '*';
  }
  return chars.join('');
}
