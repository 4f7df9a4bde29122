import { describe, expect, it } from 'vitest';
import { OutputText } from './output-text';

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
