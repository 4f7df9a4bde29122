import type { TokenCounter } from './chunk-text';

/**
 * Text of at most this many characters goes to one Tokenize call (the answer carries every token's string, and stays
 * small); a longer document's text takes one call per segment.
 */
export const TOKENIZE_SEGMENT_CHARS = 256 * 1024;
/** How far ahead of the cursor a token's text is looked for when the tokenizer normalised what came before it. */
const LOOKAHEAD = 16;

/**
 * The chunker's token counter over a tokenizer that answers a whole text's tokens as decoded strings (the inference
 * service's Tokenize with return_tokens): the texts to count are joined, tokenized in one call (per segment), and
 * each token is counted in every text its characters fall in. A token straddling two texts counts in both, so a sum
 * of counts never falls short of the tokens the embedding model will see.
 */
export function tokenStringCounter(tokenize: (text: string) => Promise<readonly string[]>): TokenCounter {
  return async (texts) => {
    const counts = new Array<number>(texts.length).fill(0);
    await Promise.all(
      segments(texts).map(async ([first, end]) => {
        const part = texts.slice(first, end);
        const joined = part.join('');
        const spans = alignTokens(joined, await tokenize(joined));
        countSpans(part, spans).forEach((n, i) => (counts[first + i] = n));
      }),
    );
    return counts;
  };
}

/** [first, end) ranges of texts whose joined length stays within TOKENIZE_SEGMENT_CHARS (a longer text alone). */
function segments(texts: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  let first = 0;
  let chars = 0;
  texts.forEach((t, i) => {
    if (i > first && chars + t.length > TOKENIZE_SEGMENT_CHARS) {
      out.push([first, i]);
      first = i;
      chars = 0;
    }
    chars += t.length;
  });
  if (texts.length > first) out.push([first, texts.length]);
  return out;
}

/**
 * [start, end) of each token in `text`, in order. A token whose string is at the cursor covers it; one the tokenizer
 * prefixed with a space (SentencePiece) or that follows characters it normalised covers up to where its text is found;
 * a special token (BOS) and a byte of a character split over several tokens (decoded as U+FFFD) have no text and sit
 * at the cursor.
 */
export function alignTokens(text: string, tokens: readonly string[]): [number, number][] {
  let at = 0;
  return tokens.map((token): [number, number] => {
    const piece = token.replace(/\uFFFD/g, '');
    if (!piece) return [at, at];
    for (const candidate of piece.trimStart() && piece.trimStart() !== piece ? [piece, piece.trimStart()] : [piece]) {
      const found = text.indexOf(candidate, at);
      if (found >= 0 && found - at <= LOOKAHEAD) {
        const start = at;
        at = found + candidate.length;
        return [start, at];
      }
    }
    return [at, at];
  });
}

/** How many tokens fall in each text (texts laid end to end); an empty span counts where it sits. */
function countSpans(texts: readonly string[], spans: readonly [number, number][]): number[] {
  const counts = new Array<number>(texts.length).fill(0);
  const ends: number[] = [];
  let offset = 0;
  for (const t of texts) ends.push((offset += t.length));
  let i = 0;
  for (const [start, end] of spans) {
    while (i < texts.length - 1 && ends[i] <= start) i++;
    counts[i]++;
    for (let j = i + 1; j < texts.length && ends[j - 1] < end; j++) counts[j]++;
  }
  return counts;
}
