import type { NormalizerJson, PreTokenizerJson, TokenizerJson } from './json';

/**
 * How much input one token can stand for at most, so that a text's length alone gives a lower bound on its tokens:
 * a text that cannot fit a model's context is refused before it is tokenized. Infinity where the pipeline can drop
 * or fuse input without limit (then there is no bound, and the text is tokenized as usual).
 */
export interface TokenBound {
  /** Most UTF-8 bytes of the input text that one token covers. */
  bytesPerToken: number;
  /** Whitespace may vanish (split on, or stripped around added tokens): only other bytes count. */
  dropsWhitespace: boolean;
}

const bytesOf = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * Unicode normal forms and lowercasing can shrink text: NFKC turns "𝐀" (4 bytes) into "A", lowercasing "K" (the
 * Kelvin sign, 3 bytes) into "k". No character shrinks more than from 4 bytes to 1.
 */
const UNICODE_SHRINK = 4;

/** How many times shorter (in bytes) a normaliser can make a text; Infinity when it can delete text. */
function normalizerShrink(json: NormalizerJson | null | undefined): number {
  if (!json) return 1;
  switch (json.type) {
    case 'Sequence':
      return (json.normalizers ?? []).reduce((f, n) => f * normalizerShrink(n), 1);
    case 'Prepend':
      return 1;
    case 'Replace': {
      if (json.pattern?.String === undefined) return Infinity; // a regex may match anything
      const from = bytesOf(json.pattern.String);
      const to = bytesOf(json.content ?? '');
      return to >= from ? 1 : to === 0 ? Infinity : from / to;
    }
    default:
      return UNICODE_SHRINK; // NFC, NFD, NFKC, NFKD, Lowercase
  }
}

/** What a pre-tokeniser may drop: nothing, whitespace only, or anything. */
function preTokenizerDrops(json: PreTokenizerJson | null | undefined): 'nothing' | 'whitespace' | 'anything' {
  if (!json) return 'nothing';
  switch (json.type) {
    case 'Sequence': {
      const drops = (json.pretokenizers ?? []).map(preTokenizerDrops);
      return drops.includes('anything') ? 'anything' : drops.includes('whitespace') ? 'whitespace' : 'nothing';
    }
    case 'Split':
      return json.behavior === 'Removed' ? 'anything' : 'nothing';
    case 'WhitespaceSplit':
    case 'Whitespace':
      return 'whitespace';
    default:
      return 'nothing'; // Metaspace, ByteLevel and Digits keep every character
  }
}

export function tokenBoundOf(json: TokenizerJson): TokenBound {
  const model = json.model;
  // The longest string one token can hold: a vocabulary entry, a merge's result (which may be missing from the
  // vocabulary and then becomes one unknown token), an added token, or one unknown character.
  let longest = 4;
  for (const token of Object.keys(model.vocab)) longest = Math.max(longest, bytesOf(token));
  for (const m of model.merges) longest = Math.max(longest, bytesOf(typeof m === 'string' ? m : m[0] + m[1]));
  for (const t of json.added_tokens ?? []) longest = Math.max(longest, bytesOf(t.content));
  const bytesFallBack =
    (model.byte_fallback ?? false) &&
    Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`).every((t) => t in model.vocab);
  // Runs of unknown characters fused into one token: a token then covers any length of text.
  const fusesUnknown = (model.fuse_unk ?? false) && model.unk_token != null && !bytesFallBack;
  const drops = preTokenizerDrops(json.pre_tokenizer);
  const shrink = normalizerShrink(json.normalizer);
  const unbounded = fusesUnknown || drops === 'anything' || !Number.isFinite(shrink);
  return {
    bytesPerToken: unbounded ? Infinity : longest * shrink,
    dropsWhitespace: drops === 'whitespace' || (json.added_tokens ?? []).some((t) => t.lstrip || t.rstrip),
  };
}

/** A lower bound on the tokens `text` encodes to (special tokens aside); 0 when the tokenizer allows none. */
export function minTokensOf(bound: TokenBound, text: string): number {
  if (!Number.isFinite(bound.bytesPerToken)) return 0;
  let bytes = bytesOf(text);
  if (bound.dropsWhitespace) for (const [space] of text.matchAll(/\s+/gu)) bytes -= bytesOf(space);
  return Math.ceil(bytes / bound.bytesPerToken);
}
