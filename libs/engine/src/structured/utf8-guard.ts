import { unicodeToBytes } from '../tokenizer/byte-level';
import type { XgrammarVocabulary } from './vocabulary';

/**
 * A byte-level safety net under xgrammar: the tokens whose bytes keep the output well-formed UTF-8.
 *
 * xgrammar 0.1.27 lets invalid UTF-8 through (lone continuation bytes, overlong forms, a lead byte never completed:
 * from `.`, negated classes, JSON strings and classes of non-ASCII code points), and such bytes decode to U+FFFD, so
 * an output "valid by construction" came back with replacement characters in it. Every sequence under a constraint
 * therefore also runs a UTF-8 decoder over its output bytes; its state (how many continuation bytes are still owed,
 * and the range the next one must fall in, per RFC 3629's table: E0, ED, F0 and F4 narrow it) selects a bitmask of
 * the tokens allowed next, which is ANDed with xgrammar's. A token without bytes (a special token; xgrammar only ever
 * allows the stop tokens among them) is allowed only when no character is open, so an output never ends mid-character.
 */

/** Decoder states: ACCEPT (nothing owed) and seven "continuation owed" states. */
const ACCEPT = 0;
const STATES = 8;
const REJECT = -1;

/** TRANSITIONS[state * 256 + byte]: the next state, or REJECT. */
const TRANSITIONS = buildTransitions();

function buildTransitions(): Int8Array {
  const t = new Int8Array(STATES * 256).fill(REJECT);
  const set = (state: number, lo: number, hi: number, next: number): void => {
    for (let b = lo; b <= hi; b++) t[state * 256 + b] = next;
  };
  // Owed states, named by what they still expect.
  const ONE = 1; // one byte 80..BF
  const TWO = 2; // two bytes, the first 80..BF
  const TWO_E0 = 3; // two bytes, the first A0..BF (no overlong three-byte forms)
  const TWO_ED = 4; // two bytes, the first 80..9F (no surrogates)
  const THREE = 5; // three bytes, the first 80..BF
  const THREE_F0 = 6; // three bytes, the first 90..BF (no overlong four-byte forms)
  const THREE_F4 = 7; // three bytes, the first 80..8F (nothing above U+10FFFF)
  set(ACCEPT, 0x00, 0x7f, ACCEPT);
  set(ACCEPT, 0xc2, 0xdf, ONE);
  set(ACCEPT, 0xe0, 0xe0, TWO_E0);
  set(ACCEPT, 0xe1, 0xec, TWO);
  set(ACCEPT, 0xed, 0xed, TWO_ED);
  set(ACCEPT, 0xee, 0xef, TWO);
  set(ACCEPT, 0xf0, 0xf0, THREE_F0);
  set(ACCEPT, 0xf1, 0xf3, THREE);
  set(ACCEPT, 0xf4, 0xf4, THREE_F4);
  set(ONE, 0x80, 0xbf, ACCEPT);
  set(TWO, 0x80, 0xbf, ONE);
  set(TWO_E0, 0xa0, 0xbf, ONE);
  set(TWO_ED, 0x80, 0x9f, ONE);
  set(THREE, 0x80, 0xbf, TWO);
  set(THREE_F0, 0x90, 0xbf, TWO);
  set(THREE_F4, 0x80, 0x8f, TWO);
  return t;
}

const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;
const encoder = new TextEncoder();

/** The bytes a vocabulary string stands for, read as xgrammar reads it (`vocabType`). */
export function tokenBytes(encoded: string, vocabType: XgrammarVocabulary['vocabType']): Uint8Array {
  if (encoded.length === 0) return new Uint8Array(0);
  if (vocabType === 'byte_level') return Uint8Array.from(unicodeToBytes(encoded));
  if (vocabType === 'byte_fallback') {
    const m = BYTE_TOKEN.exec(encoded);
    if (m) return Uint8Array.of(parseInt(m[1], 16));
    return encoder.encode(encoded.replace(/\u2581/g, ' '));
  }
  return encoder.encode(encoded);
}

/** The UTF-8 state of one output, starting with no character open. */
export class Utf8State {
  private state = ACCEPT;

  constructor(private readonly guard: Utf8TokenGuard) {}

  /** The tokens allowed next; shared, never to be written. */
  mask(): Int32Array {
    return this.guard.mask(this.state);
  }

  allows(tokenId: number): boolean {
    return this.guard.next(this.state, tokenId) !== REJECT;
  }

  /** Advances past a token; false (and no change) if its bytes would break the UTF-8. */
  accept(tokenId: number): boolean {
    const next = this.guard.next(this.state, tokenId);
    if (next === REJECT) return false;
    this.state = next;
    return true;
  }
}

/** One per vocabulary: every token's bytes, and for each decoder state a bitmask built on first use. */
export class Utf8TokenGuard {
  private readonly offsets: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly masks: (Int32Array | undefined)[] = new Array<Int32Array | undefined>(STATES);
  /** Masks built so far (at most one per decoder state). */
  masksBuilt = 0;

  constructor(
    vocabulary: XgrammarVocabulary,
    private readonly vocabSize: number,
  ) {
    const pieces: Uint8Array[] = [];
    this.offsets = new Int32Array(vocabSize + 1);
    let total = 0;
    for (let id = 0; id < vocabSize; id++) {
      const b = tokenBytes(vocabulary.encoded[id] ?? '', vocabulary.vocabType);
      pieces.push(b);
      total += b.length;
      this.offsets[id + 1] = total;
    }
    this.bytes = new Uint8Array(total);
    pieces.forEach((b, id) => this.bytes.set(b, this.offsets[id]));
  }

  start(): Utf8State {
    return new Utf8State(this);
  }

  /** The state after `tokenId` from `state`, or REJECT. A token without bytes keeps ACCEPT and is refused elsewhere. */
  next(state: number, tokenId: number): number {
    if (!Number.isInteger(tokenId) || tokenId < 0 || tokenId >= this.vocabSize) return REJECT;
    const from = this.offsets[tokenId];
    const to = this.offsets[tokenId + 1];
    if (from === to) return state === ACCEPT ? ACCEPT : REJECT;
    let s = state;
    for (let i = from; i < to && s !== REJECT; i++) s = TRANSITIONS[s * 256 + this.bytes[i]];
    return s;
  }

  mask(state: number): Int32Array {
    let mask = this.masks[state];
    if (!mask) {
      mask = new Int32Array(Math.ceil(this.vocabSize / 32));
      for (let id = 0; id < this.vocabSize; id++) if (this.next(state, id) !== REJECT) mask[id >> 5] |= 1 << (id & 31);
      this.masks[state] = mask;
      this.masksBuilt++;
    }
    return mask;
  }
}
