import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConstraintSpec, OutputConstraint } from '../contract';
import { EOS_ID } from '../testing/tiny-model';
import { type ModelPair, servedModelPair } from '../testing/model-pair';
import { BYTE_TO_CHAR } from '../tokenizer/byte-level';
import { tokenBytes, Utf8TokenGuard } from './utf8-guard';
import type { XgrammarVocabulary } from './vocabulary';

/** `open`: the bytes may end inside a character (an output cut by max_tokens). */
const isUtf8 = (bytes: number[], open = false): boolean => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes), { stream: open });
    return true;
  } catch {
    return false;
  }
};

const allowed = (mask: Int32Array, vocab: number): number[] => {
  const ids: number[] = [];
  for (let id = 0; id < vocab; id++) if ((mask[id >> 5] >>> (id & 31)) & 1) ids.push(id);
  return ids;
};

/** Ids 0..255 are the bytes, 256 a special token (no bytes), 257 `é` (C3 A9), 258 `Ġ` + the lead byte E4. */
const BYTES_VOCAB: XgrammarVocabulary = {
  encoded: [...BYTE_TO_CHAR, '', BYTE_TO_CHAR[0xc3] + BYTE_TO_CHAR[0xa9], BYTE_TO_CHAR[0x20] + BYTE_TO_CHAR[0xe4]],
  vocabType: 'byte_level',
  stopTokenIds: [256],
};
const V = BYTES_VOCAB.encoded.length;

describe('Utf8TokenGuard', () => {
  it('reads token bytes as xgrammar does for each vocabulary type', () => {
    expect([...tokenBytes('Ġé', 'byte_level')]).toEqual([0x20, 0xe9]); // GPT-2 byte characters, one byte each
    expect([...tokenBytes('<0xE4>', 'byte_fallback')]).toEqual([0xe4]);
    expect([...tokenBytes('▁é', 'byte_fallback')]).toEqual([0x20, 0xc3, 0xa9]);
    expect([...tokenBytes('é', 'raw')]).toEqual([0xc3, 0xa9]);
    expect([...tokenBytes('', 'byte_fallback')]).toEqual([]);
  });

  it('allows a byte exactly when the text so far stays a prefix of well-formed UTF-8 (checked against TextDecoder)', () => {
    const guard = new Utf8TokenGuard(BYTES_VOCAB, V);
    // Every sequence of up to four bytes from a set covering each boundary of RFC 3629's table.
    const probe = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef];
    probe.push(0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff);
    const prefixOfUtf8 = (bytes: number[]): boolean =>
      [[], [0x80], [0x80, 0x80], [0x80, 0x80, 0x80], [0xa0, 0x80], [0x90, 0x80, 0x80]].some((tail) => isUtf8([...bytes, ...tail]));
    let checked = 0;
    const walk = (bytes: number[]): void => {
      if (bytes.length === 4) return;
      for (const b of probe) {
        const state = guard.start();
        const ok = [...bytes, b].every((x) => state.accept(x));
        expect(
          ok,
          bytes
            .concat(b)
            .map((x) => x.toString(16))
            .join(' '),
        ).toBe(prefixOfUtf8([...bytes, b]));
        checked++;
        if (ok) walk([...bytes, b]);
      }
    };
    walk([]);
    expect(checked).toBeGreaterThan(1000);
  });

  it('narrows the next byte after E0, ED, F0 and F4, and keeps tokens without bytes (EOS) for a closed character', () => {
    const guard = new Utf8TokenGuard(BYTES_VOCAB, V);
    const after = (...ids: number[]): number[] => {
      const s = guard.start();
      for (const id of ids) expect(s.accept(id)).toBe(true);
      return allowed(s.mask(), V);
    };
    const range = (lo: number, hi: number): number[] => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
    expect(after()).toEqual([...range(0, 0x7f), ...range(0xc2, 0xf4), 256, 257, 258]);
    expect(after(0xe0)).toEqual(range(0xa0, 0xbf));
    expect(after(0xed)).toEqual(range(0x80, 0x9f));
    expect(after(0xf0)).toEqual(range(0x90, 0xbf));
    expect(after(0xf4)).toEqual(range(0x80, 0x8f));
    expect(after(0xc3)).toEqual(range(0x80, 0xbf)); // no EOS, no `é` (it starts a new character)
    expect(after(258)).toEqual(range(0x80, 0xbf)); // a token ending in a lead byte leaves the character open
    expect(after(258, 0xb8, 0xad)).toContain(256);
    expect(guard.masksBuilt).toBe(7); // one per state reached, built once
  });
});

describe('the UTF-8 guard under xgrammar (tiny models)', () => {
  type Served = ModelPair['bytes'];
  let pair: ModelPair;
  let bytes: Served;
  let sentencepiece: Served;

  beforeAll(async () => {
    pair = await servedModelPair({ seed: 7 });
    ({ bytes, sentencepiece } = pair);
  });

  afterAll(() => pair?.close());

  async function withConstraint(m: Served, spec: ConstraintSpec, fn: (c: OutputConstraint) => void): Promise<void> {
    const c = await m.createConstraint(spec);
    try {
      fn(c);
    } finally {
      c.release();
    }
  }

  it('masks what xgrammar 0.1.27 lets through: lone continuation bytes, overlongs, an open character before EOS', async () => {
    const vocab = bytes.config.vocab_size;
    // xgrammar reads `.` as any byte; only lead bytes and ASCII may start a character.
    await withConstraint(bytes, { kind: 'regex', pattern: 'a.+' }, (c) => {
      expect(c.accept(0x61)).toBe(true);
      const first = allowed(c.allowedTokens(), vocab);
      for (const b of [0x80, 0xa9, 0xbf, 0xc0, 0xc1, 0xf5, 0xff]) expect(first).not.toContain(b);
      expect(first).toContain(0xe0);
      expect(c.accept(0xb0)).toBe(false); // refused without reaching the matcher
      expect(c.accept(0xe0)).toBe(true);
      expect(allowed(c.allowedTokens(), vocab)).toEqual(Array.from({ length: 32 }, (_, i) => 0xa0 + i)); // no overlong, no EOS
      expect(c.accept(0x80)).toBe(false);
      expect(c.accept(0xa4)).toBe(true);
      expect(c.accept(0x80)).toBe(true); // U+0900
      expect(allowed(c.allowedTokens(), vocab)).toContain(EOS_ID);
    });
  });

  it('keeps sampled outputs well-formed: `.+` in a regex, a one-character JSON string, JSON object mode on byte fallback', async () => {
    const run = async (m: Served, spec: ConstraintSpec, seed: number): Promise<{ text: string; ids: number[]; stop: boolean }> => {
      const constraint = await m.createConstraint(spec);
      let text = '';
      const ids: number[] = [];
      let stop = false;
      for await (const e of m.generate({
        promptTokenIds: m.encode('Answer:'),
        params: { maxTokens: 200, temperature: 30, seed, constraint },
      })) {
        text += e.text;
        ids.push(...e.tokenIds);
        stop = e.finishReason === 'stop';
      }
      return { text, ids, stop };
    };
    let nonAscii = 0;
    for (let seed = 1; seed <= 30; seed++) {
      // (`.+`, not `.`: xgrammar 0.1.27 reads a single `.` as one byte, so a lead byte there has no way on.)
      const dot = await run(bytes, { kind: 'regex', pattern: 'a.+b' }, seed);
      expect(
        isUtf8(
          dot.ids.filter((id) => id < 256),
          !dot.stop,
        ),
        JSON.stringify(dot),
      ).toBe(true);
      if (dot.stop) expect(dot.text).toMatch(/^a[^]+b$/u);
      if (/[^\x00-\x7f]/u.test(dot.text)) nonAscii++;
      const one = await run(bytes, { kind: 'json_schema', schema: '{"type":"string","maxLength":1}' }, seed);
      expect([...(JSON.parse(one.text) as string)].length, one.text).toBeLessThanOrEqual(1);
      const object = await run(sentencepiece, { kind: 'json_object' }, seed);
      // Cut by max_tokens, it may end inside a character (held back, then flushed as U+FFFD); nowhere else.
      expect(object.stop ? object.text : object.text.replace(/\uFFFD+$/u, '')).not.toContain('\uFFFD');
      if (object.stop) expect(typeof JSON.parse(object.text), object.text).toBe('object');
    }
    expect(nonAscii).toBeGreaterThan(0); // multi-byte characters are still reachable
  });
});
