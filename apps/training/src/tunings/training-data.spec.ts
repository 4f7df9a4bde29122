import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_CHARS, MAX_RECORD_DEPTH } from './record-texts';
import { parseTrainingRecords, writeJsonl } from './training-data';

const refusal = async (f: () => Promise<unknown>): Promise<string> => {
  try {
    await f();
  } catch (err) {
    if (err instanceof PlatformError) return err.message;
    throw err;
  }
  throw new Error('no refusal');
};

describe('training data files', () => {
  it('reads a JSON array and JSON Lines of {input, output}', async () => {
    expect(await parseTrainingRecords('[{"input":"a","output":"b","extra":1}]', 'input_output', 'f')).toEqual([
      { input: 'a', output: 'b' },
    ]);
    expect(
      await parseTrainingRecords('\uFEFF{"input":"a","output":"b"}\n\n{"input":"c","output":"d"}\r\n', 'input_output', 'f'),
    ).toHaveLength(2);
  });

  it('reads InstructLab {messages} lines for fine tunings only', async () => {
    const line = '{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}';
    expect(await parseTrainingRecords(line, 'input_output_or_messages', 'f')).toHaveLength(1);
    expect(await refusal(() => parseTrainingRecords(line, 'input_output', 'f'))).toMatch(/line 1 needs a string "input"/);
    expect(
      await refusal(() => parseTrainingRecords('{"messages":[{"role":"user","content":"q"}]}', 'input_output_or_messages', 'f')),
    ).toMatch(/no assistant message/);
  });

  it('names the file and the record or line of a bad one', async () => {
    expect(
      await refusal(() =>
        parseTrainingRecords('[{"input":"a","output":"b"},{"input":"a"}]', 'input_output', 'training_data_references[2]'),
      ),
    ).toBe('training_data_references[2]: record 1 input and output must be strings.');
    expect(await refusal(() => parseTrainingRecords('{"input":"a","output":"b"}\nnot json', 'input_output', 'x'))).toMatch(
      /line 2 is not valid JSON/,
    );
    expect(await refusal(() => parseTrainingRecords('[{"input":', 'input_output', 'x'))).toMatch(/is not valid JSON/);
    expect(await refusal(() => parseTrainingRecords('\n\n', 'input_output', 'x'))).toMatch(/holds no training records/);
    expect(await refusal(() => parseTrainingRecords('{"input":1,"output":"b"}', 'input_output', 'x'))).toMatch(
      /line 1 input and output must be strings/,
    );
  });

  it('reads preference pairs for DPO', async () => {
    expect(await parseTrainingRecords('{"prompt":"p","chosen":"c","rejected":"r"}', 'preference', 'x')).toEqual([
      { prompt: 'p', chosen: 'c', rejected: 'r' },
    ]);
    expect(await refusal(() => parseTrainingRecords('{"prompt":"p","chosen":"c"}', 'preference', 'x'))).toMatch(/rejected/);
    // The trainer reads only these roles in a prompt: a job it would fail is refused at create.
    const pretraining = '{"prompt":[{"role":"pretraining","content":"p"}],"chosen":"c","rejected":"r"}';
    expect(await refusal(() => parseTrainingRecords(pretraining, 'preference', 'x'))).toContain(
      'line 1 prompt[0] needs role system|user|assistant',
    );
  });

  it('finds the elements of a JSON array whatever their strings hold', async () => {
    const tricky = ['a, b ] } {', 'quote \\" inside', 'ends in a backslash \\\\', '[1, 2]'];
    const text = `[ ${tricky.map((t) => JSON.stringify({ input: JSON.parse(`"${t}"`), output: 'o', meta: { list: [1, { x: ',' }] } })).join(' ,\n')} ]`;
    expect((await parseTrainingRecords(text, 'input_output', 'f')).map((r) => ('input' in r ? r.input : ''))).toEqual(
      tricky.map((t) => JSON.parse(`"${t}"`)),
    );
    expect(await refusal(() => parseTrainingRecords('  []  ', 'input_output', 'f'))).toMatch(/holds no training records/);
  });

  it('refuses a JSON array that is not valid JSON, naming where', async () => {
    const ok = '{"input":"a","output":"b"}';
    expect(await refusal(() => parseTrainingRecords(`[${ok},]`, 'input_output', 'f'))).toMatch(/^f: record 1 is not valid JSON/);
    expect(await refusal(() => parseTrainingRecords(`[${ok},,${ok}]`, 'input_output', 'f'))).toMatch(/^f: record 1 is not valid JSON/);
    expect(await refusal(() => parseTrainingRecords(`[${ok}}`, 'input_output', 'f'))).toBe('f is not valid JSON: the array ends with "}".');
    expect(await refusal(() => parseTrainingRecords(`[${ok}] x`, 'input_output', 'f'))).toBe(
      'f is not valid JSON: there is more after the array.',
    );
    expect(await refusal(() => parseTrainingRecords(`[${ok}, {"input":"a]`, 'input_output', 'f'))).toBe(
      'f is not valid JSON: a string is not closed.',
    );
    expect(await refusal(() => parseTrainingRecords(`[${ok}, [${ok}`, 'input_output', 'f'))).toBe(
      'f is not valid JSON: the array is not closed.',
    );
    // An element whose brackets do not match is refused by its own parse.
    expect(await refusal(() => parseTrainingRecords(`[{"input":"a","output":["b"}], ${ok}]`, 'input_output', 'f'))).toMatch(
      /is not valid JSON/,
    );
  });

  it('refuses a record too long or too deep before parsing it, naming it', async () => {
    const ok = '{"input":"a","output":"b"}';
    const long = JSON.stringify({ input: 'x'.repeat(MAX_RECORD_CHARS), output: 'b' });
    expect(await refusal(() => parseTrainingRecords(`[${ok}, ${long}]`, 'input_output', 'f'))).toBe(
      `f: record 1 is longer than ${MAX_RECORD_CHARS} characters.`,
    );
    expect(await refusal(() => parseTrainingRecords(`${ok}\n\n${long}\n`, 'input_output', 'f'))).toBe(
      `f: line 3 is longer than ${MAX_RECORD_CHARS} characters.`,
    );
    const nest = (levels: number) => `{"input":"a","output":"b","extra":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
    expect(await parseTrainingRecords(`[${nest(MAX_RECORD_DEPTH)}]`, 'input_output', 'f')).toHaveLength(1);
    expect(await parseTrainingRecords(nest(MAX_RECORD_DEPTH), 'input_output', 'f')).toHaveLength(1);
    expect(await refusal(() => parseTrainingRecords(`[${ok},${nest(MAX_RECORD_DEPTH + 1)}]`, 'input_output', 'f'))).toBe(
      `f: record 1 nests deeper than ${MAX_RECORD_DEPTH} levels.`,
    );
    expect(await refusal(() => parseTrainingRecords(`${ok}\n${nest(MAX_RECORD_DEPTH + 1)}`, 'input_output', 'f'))).toBe(
      `f: line 2 nests deeper than ${MAX_RECORD_DEPTH} levels.`,
    );
    // A million levels is refused after MAX_RECORD_DEPTH of them, not parsed.
    expect(await refusal(() => parseTrainingRecords(`[${'['.repeat(1_000_000)}`, 'input_output', 'f'))).toBe(
      `f: record 0 nests deeper than ${MAX_RECORD_DEPTH} levels.`,
    );
  });

  it('counts JSON Lines by line, blank and CRLF lines included', async () => {
    const text = '{"input":"a","output":"b"}\r\n\r\n  \n{"input":"c"}\r\n';
    expect(await refusal(() => parseTrainingRecords(text, 'input_output', 'f'))).toBe('f: line 4 input and output must be strings.');
  });

  it('gives the event loop turns while it parses a large file', async () => {
    const text = Array.from({ length: 50_000 }, (_, i) => JSON.stringify({ input: `q${i}`, output: `a${i}` })).join('\n');
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    try {
      expect(await parseTrainingRecords(text, 'input_output', 'f')).toHaveLength(50_000);
    } finally {
      clearInterval(timer);
    }
    expect(turns).toBeGreaterThan(0);
  });

  it('gives the event loop turns in megabytes of blank space too, counting its lines', async () => {
    const record = '{"input":"a","output":"b"}';
    const blank = '\n'.repeat(16 << 20);
    for (const [text, lines] of [
      [blank, 0],
      [`${blank}${record}\n${' '.repeat(16 << 20)}`, 1],
      [`${' '.repeat(16 << 20)}[${record}]${blank}`, 1],
    ] as const) {
      let turns = 0;
      const timer = setInterval(() => turns++, 0);
      try {
        if (lines === 0) expect(await refusal(() => parseTrainingRecords(text, 'input_output', 'f'))).toBe('f holds no training records.');
        else expect(await parseTrainingRecords(text, 'input_output', 'f')).toHaveLength(lines);
      } finally {
        clearInterval(timer);
      }
      expect(turns).toBeGreaterThan(0);
    }
    expect(await refusal(() => parseTrainingRecords(`${blank}{"input":"a"}`, 'input_output', 'f'))).toBe(
      `f: line ${(16 << 20) + 1} input and output must be strings.`,
    );
  });

  it('writes records back as JSON Lines, across several writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'training-data-'));
    try {
      const records = Array.from({ length: 2500 }, (_, i) => ({ input: `q${i}\n`, output: `a${i}` }));
      await writeJsonl(join(dir, 'data.jsonl'), records);
      const text = readFileSync(join(dir, 'data.jsonl'), 'utf8');
      expect(text.endsWith('}\n')).toBe(true);
      expect(await parseTrainingRecords(text, 'input_output', 'f')).toEqual(records);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
