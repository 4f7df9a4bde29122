import { describe, expect, it } from 'vitest';
import { detokenizationPrefix, OutputText } from './output-text';

/** A fake detokeniser: token id i decodes to pieces[i]. */
const pieces = ['Hel', 'lo', ' wor', 'ld', '!', ' S', 'TOP', ' x', '\uFFFD'];
const decode = (ids: number[]): string => ids.map((i) => pieces[i]).join('');

function run(ids: number[], stops: string[], include = false): { deltas: string[]; stop?: string } {
  const t = new OutputText(decode, stops, include);
  const deltas: string[] = [];
  for (let i = 1; i <= ids.length; i++) {
    const u = t.update(ids.slice(0, i), true, i === ids.length);
    deltas.push(u.delta);
    if (u.stop) return { deltas, stop: u.stop };
  }
  return { deltas };
}

describe('OutputText', () => {
  it('releases text as it comes without stop strings', () => {
    expect(run([0, 1, 2, 3], []).deltas).toEqual(['Hel', 'lo', ' wor', 'ld']);
  });

  it('holds back a possible stop-string prefix and trims the stop string', () => {
    const r = run([0, 1, 5, 6, 7], [' STOP']);
    expect(r.stop).toBe(' STOP');
    expect(r.deltas).toEqual(['Hel', 'lo', '', '']);
    expect(r.deltas.join('')).toBe('Hello');
  });

  it('keeps the stop string when asked', () => {
    expect(run([0, 1, 5, 6], [' STOP'], true).deltas.join('')).toBe('Hello STOP');
  });

  it('releases held-back text when the prefix turns out not to be a stop string', () => {
    const r = run([0, 1, 5, 7], [' STOP']);
    expect(r.stop).toBeUndefined();
    expect(r.deltas).toEqual(['Hel', 'lo', '', ' S x']);
  });

  it('finds stop strings spanning tokens and earliest of several', () => {
    const r = run([0, 1, 2, 3, 4], ['rld', 'lo w']);
    expect(r.stop).toBe('lo w');
    expect(r.deltas.join('')).toBe('Hel');
  });

  it('holds back incomplete characters until final', () => {
    const t = new OutputText(decode, [], false);
    expect(t.update([0, 8], true, false).delta).toBe('Hel');
    expect(t.update([0, 8], true, true).delta).toBe('\uFFFD');
  });
});

describe('OutputText after a prompt prefix (vLLM prefix offset)', () => {
  /** A SentencePiece-like detokeniser: `▁` is a space, and the decoded text loses its first space (the Strip decoder). */
  const words = ['▁in', '▁the', '▁beginning', '▁', 'x', '<0xE2>', '<0x82>', '<0xAC>'];
  const spDecode = (ids: number[]): string => {
    let bytes: number[] = [];
    let out = '';
    const flush = (): void => {
      out += new TextDecoder().decode(Uint8Array.from(bytes));
      bytes = [];
    };
    for (const id of ids) {
      const m = /^<0x(..)>$/.exec(words[id]);
      if (m) bytes.push(parseInt(m[1], 16));
      else {
        flush();
        out += words[id].replace(/▁/g, ' ');
      }
    }
    flush();
    return out.startsWith(' ') ? out.slice(1) : out;
  };

  it("keeps the output's leading space, which decoding the output alone strips", () => {
    const alone = new OutputText(spDecode, [], false);
    expect(alone.update([1, 1, 1], true, true).delta).toBe('the the the');
    const t = new OutputText(spDecode, [], false, [0, 1, 2]);
    expect([t.update([1], true, false), t.update([1, 1], true, false), t.update([1, 1, 1], true, true)].map((u) => u.delta)).toEqual([
      ' the',
      ' the',
      ' the',
    ]);
  });

  it('matches stop strings in the output only, leading space included', () => {
    const t = new OutputText(spDecode, [' the', 'in'], false, [0, 1]);
    const u = t.update([4, 1], true, false);
    expect(u).toEqual({ delta: 'x', stop: ' the' });
  });

  it('still holds back a character cut between tokens', () => {
    const t = new OutputText(spDecode, [], false, [0, 1]);
    expect(t.update([5], true, false).delta).toBe('');
    expect(t.update([5, 6], true, false).delta).toBe('');
    expect(t.update([5, 6, 7], true, false).delta).toBe('€');
  });

  it('takes 4 to 23 prompt tokens, the fewest whose text is whole characters', () => {
    const decode = (ids: number[]): string => (ids[0] === 9 ? '\uFFFDx' : 'x'.repeat(ids.length));
    expect(detokenizationPrefix([1, 2, 3], decode)).toEqual([1, 2, 3]);
    expect(detokenizationPrefix([1, 2, 3, 4, 5, 6], decode)).toEqual([3, 4, 5, 6]);
    expect(detokenizationPrefix([1, 2, 9, 4, 5, 6], decode)).toEqual([1, 2, 9, 4, 5, 6].slice(1)); // 9 starts the 4-token suffix
    const long = Array.from({ length: 40 }, () => 9);
    expect(detokenizationPrefix(long, decode)).toHaveLength(23);
  });
});
