/** Token counts of several texts, in order: the embedding model's own tokenizer (e.g. the inference service's Tokenize). */
export type TokenCounter = (texts: readonly string[]) => Promise<readonly number[]>;

export interface ChunkOptions {
  /** Most tokens in one chunk (the embedding model's input limit, less any special tokens it adds). */
  maxTokens: number;
  /** Tokens of whole sentences carried from the end of one chunk to the start of the next; < maxTokens. */
  overlapTokens: number;
  countTokens: TokenCounter;
  /** Sentence rules of this locale (Intl.Segmenter); default English. */
  locale?: string;
}

export interface TextChunk {
  /** Position of the chunk in its document, from 0. */
  index: number;
  /** The document's text from `start` to `end`, whitespace at both ends left out. */
  text: string;
  start: number;
  end: number;
  /** Sum of the token counts of the units the chunk is made of (an upper bound for byte-pair tokenizers). */
  tokens: number;
}

interface Unit {
  start: number;
  end: number;
  tokens: number;
}

/**
 * Cuts `text` into chunks of at most `maxTokens` tokens, with about `overlapTokens` of the previous chunk repeated at
 * the start of the next, so a passage that straddles a boundary is whole in one of them.
 *
 * Units are sentences (Intl.Segmenter's sentence rules, which also end a unit at every line break, so headings, list
 * items and paragraphs are units of their own), packed greedily in order. A sentence longer than `maxTokens` UTF-8
 * bytes is also cut into word pieces of at most that many bytes; both forms are counted in the same one call to
 * `countTokens`, and the pieces are used only when the whole sentence does not fit. A byte-level tokenizer never
 * makes more tokens than bytes, so a piece always fits a chunk.
 */
export async function chunkText(text: string, opts: ChunkOptions): Promise<TextChunk[]> {
  const { maxTokens, overlapTokens } = opts;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new RangeError(`maxTokens must be a positive integer, got ${maxTokens}`);
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens >= maxTokens)
    throw new RangeError(`overlapTokens must be an integer from 0 to maxTokens - 1, got ${overlapTokens}`);
  const sentences = splitSentences(text, opts.locale ?? 'en');
  if (sentences.length === 0) return [];
  const pieces = sentences.map(([start, end]) =>
    utf8Length(text.slice(start, end)) > maxTokens ? splitPieces(text, start, end, maxTokens) : [],
  );
  const spans = sentences.flatMap((s, i) => [s, ...pieces[i]]);
  const counts = await opts.countTokens(spans.map(([start, end]) => text.slice(start, end)));
  if (counts.length !== spans.length || counts.some((c) => !Number.isInteger(c) || c < 0))
    throw new Error(`countTokens answered ${counts.length} counts for ${spans.length} texts`);

  const units: Unit[] = [];
  let at = 0;
  sentences.forEach(([start, end], i) => {
    const tokens = counts[at++];
    const own = pieces[i].map(([s, e]) => ({ start: s, end: e, tokens: counts[at++] }));
    if (tokens <= maxTokens || own.length === 0) units.push({ start, end, tokens });
    else units.push(...own);
  });
  return pack(text, units, maxTokens, overlapTokens);
}

function pack(text: string, units: Unit[], maxTokens: number, overlapTokens: number): TextChunk[] {
  const chunks: TextChunk[] = [];
  let current: Unit[] = [];
  let tokens = 0;
  const emit = (): void => {
    const start = current[0].start;
    const end = current[current.length - 1].end;
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed) chunks.push({ index: chunks.length, text: trimmed, start: start + lead, end: start + lead + trimmed.length, tokens });
  };
  for (const unit of units) {
    if (current.length > 0 && tokens + unit.tokens > maxTokens) {
      emit();
      // Carry whole units from the end of the chunk just emitted, as many as the overlap and the next unit allow.
      const carried: Unit[] = [];
      let carriedTokens = 0;
      for (let i = current.length - 1; i > 0; i--) {
        const t = current[i].tokens;
        if (carriedTokens + t > overlapTokens || carriedTokens + t + unit.tokens > maxTokens) break;
        carried.unshift(current[i]);
        carriedTokens += t;
      }
      current = carried;
      tokens = carriedTokens;
    }
    current.push(unit);
    tokens += unit.tokens;
  }
  if (current.length > 0) emit();
  return chunks;
}

/** [start, end) of each sentence; whitespace-only segments join the sentence before them, so units cover the text. */
function splitSentences(text: string, locale: string): [number, number][] {
  const spans: [number, number][] = [];
  for (const { index, segment } of new Intl.Segmenter(locale, { granularity: 'sentence' }).segment(text)) {
    const end = index + segment.length;
    if (spans.length > 0 && !segment.trim()) spans[spans.length - 1][1] = end;
    else spans.push([index, end]);
  }
  return spans;
}

/** Word pieces of text[start, end) of at most maxBytes UTF-8 bytes each; a longer word is cut by code points. */
function splitPieces(text: string, start: number, end: number, maxBytes: number): [number, number][] {
  const pieces: [number, number][] = [];
  let pieceStart = start;
  let pieceBytes = 0;
  const words = text.slice(start, end).match(/\S+\s*|\s+/g) ?? [];
  let at = start;
  for (const word of words) {
    const bytes = utf8Length(word);
    if (pieceBytes > 0 && pieceBytes + bytes > maxBytes) {
      pieces.push([pieceStart, at]);
      pieceStart = at;
      pieceBytes = 0;
    }
    if (bytes > maxBytes) {
      for (const ch of word) {
        const b = utf8Length(ch);
        if (pieceBytes > 0 && pieceBytes + b > maxBytes) {
          pieces.push([pieceStart, at]);
          pieceStart = at;
          pieceBytes = 0;
        }
        pieceBytes += b;
        at += ch.length;
      }
      continue;
    }
    pieceBytes += bytes;
    at += word.length;
  }
  if (at > pieceStart) pieces.push([pieceStart, at]);
  return pieces;
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
