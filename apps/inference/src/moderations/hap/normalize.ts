// Digits and symbols that stand in for letters ("sh1t", "@ss", "$hit").
const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
  '+': 't',
};

/** A word as it was written and where: the tokenizer keeps leetspeak and `*` inside words. */
export interface Token {
  raw: string;
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}@$!|+*']+/gu;

export function tokens(text: string): Token[] {
  return [...text.matchAll(WORD)]
    .map((m) => {
      // Sentence punctuation that the word pattern allows inside leetspeak ("idiot!") is not part of the word.
      const raw = m[0].replace(/^[!'+|]+|[!'+|]+$/g, '');
      const start = m.index + m[0].indexOf(raw);
      return { raw, start, end: start + raw.length };
    })
    .filter((t) => t.raw.length > 0);
}

/**
 * The spellings a word may stand for: lower case, leetspeak decoded, and runs of a repeated letter squeezed to one
 * and to two ("fuuuck" -> "fuck", "assss" -> "ass"), since the lexicon holds words like "asshole" with doubles.
 */
export function spellings(raw: string): string[] {
  // A token of digits only is a number, not leetspeak ("100" is not "ioo").
  const lower = raw.toLowerCase();
  const decoded = /\p{L}/u.test(lower)
    ? [...lower]
        .map((c) => LEET[c] ?? c)
        .join('')
        .replace(/'/g, '')
    : lower;
  const one = decoded.replace(/(.)\1+/g, '$1');
  const two = decoded.replace(/(.)\1{2,}/g, '$1$1');
  return [...new Set([decoded, two, one])];
}
