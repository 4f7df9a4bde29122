import type { Recognizer, Span } from '../types';
import { regexSpans } from './regex-spans';
import { isKnownTld } from './tlds';

// Sentence punctuation right after a URL is almost never part of it; Presidio's patterns stop before it too.
const TRAILING = /[.,;:!?'")\]}>]+$/;
const WITH_SCHEME = /\b(?:https?|ftp):\/\/[^\s<>"'`]+/gi;
const WITHOUT_SCHEME = /(?<![\w@.\-/:])(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,24})(?:\/[^\s<>"'`]*)?(?![\w@-])/gi;

function trimmed(text: string, spans: Span[]): Span[] {
  return spans
    .map((s) => ({ ...s, end: s.start + text.slice(s.start, s.end).replace(TRAILING, '').length }))
    .filter((s) => s.end > s.start);
}

/** Presidio's UrlRecognizer: 0.6 with a scheme, 0.5 without one (then only with a known TLD, so "e.g." is not a URL). */
export const urlRecognizer: Recognizer = {
  entity: 'URL',
  context: ['url', 'website', 'link', 'site', 'visit'],
  find(text: string): Span[] {
    const schemed = trimmed(
      text,
      regexSpans(text, WITH_SCHEME, this.entity, () => 0.6),
    );
    const inside = (i: number) => schemed.some((s) => i >= s.start && i < s.end);
    const bare = regexSpans(text, WITHOUT_SCHEME, this.entity, (m) => (isKnownTld(m[1]) && !inside(m.index) ? 0.5 : null));
    return [...schemed, ...trimmed(text, bare)];
  },
};
