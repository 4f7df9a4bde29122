import { describe, expect, it } from 'vitest';
import { parseOutput } from './parse-output';
import { MissingVariable, render, templateVariables } from './template';

describe('parseOutput', () => {
  it('takes every block between tags, one row per match, dropping empty ones', () => {
    const text = '[Question]\nWhat is A?\n[End]\n[Question]\n[End]\n[Question]\nWhat is B?\n[End]';
    expect(parseOutput(text, { kind: 'tags', tags: [{ start: '[Question]', end: '[End]' }] })).toEqual([['What is A?'], ['What is B?']]);
  });

  it('maps regex groups to columns and zips matches', () => {
    const text = '[Question]\nQ1\n[Answer]\nA1\n[End]\n[Question]\nQ2\n[Answer]\nA2';
    const regex = /\[Question\]\s*([\s\S]*?)\s*\[Answer\]\s*([\s\S]*?)\s*(?=\[End\]|\[Question\]|$)/g;
    expect(parseOutput(text, { kind: 'regex', regex, clean: [] })).toEqual([
      ['Q1', 'A1'],
      ['Q2', 'A2'],
    ]);
  });

  it('parses what the starter model writes after a [Question] prefill (one line, then [End])', () => {
    const regex = /\[Question\]\s*([\s\S]*?)\s*(?=\[Answer\]|\[End\]|\[Question\]|$)/g;
    expect(parseOutput('[Question]\nWater freezes at 0 degrees Celsius.\n[End]', { kind: 'regex', regex, clean: [] })).toEqual([
      ['Water freezes at 0 degrees Celsius.'],
    ]);
    expect(parseOutput('[Question]\n[End]', { kind: 'regex', regex, clean: [] })).toEqual([]);
  });

  it('reads verdicts case-insensitively and yields nothing without one', () => {
    const regex = /\[Explanation\]\s*([\s\S]*?)\s*\[Verdict\]\s*(YES|NO)\b/gi;
    expect(parseOutput('[Explanation]\nSupported.\n[Verdict] yes\n[End]', { kind: 'regex', regex, clean: [] })).toEqual([
      ['Supported.', 'yes'],
    ]);
    expect(parseOutput('[Explanation]\nNo idea.', { kind: 'regex', regex, clean: [] })).toEqual([]);
  });

  it('whole text with empty tags; clean strips tag strings', () => {
    expect(parseOutput('  hello  ', { kind: 'tags', tags: [{ start: '', end: '' }] })).toEqual([['hello']]);
    expect(parseOutput('x <b>y</b>', { kind: 'regex', regex: /x (.*)/g, clean: ['<b>', '</b>'] })).toEqual([['y']]);
  });
});

describe('templates', () => {
  it('substitutes columns and lists the variables', () => {
    expect(render('Q: {{ question }} / {{n}}', { question: 'why?', n: 3 })).toBe('Q: why? / 3');
    expect(templateVariables('{{a}} {{ b }} {{a}}')).toEqual(['a', 'b']);
  });

  it('refuses a missing or null column (StrictUndefined)', () => {
    expect(() => render('{{icl_query_3}}', { icl_query_1: 'x' })).toThrow(MissingVariable);
    expect(() => render('{{a}}', { a: null })).toThrow(MissingVariable);
  });
});
