import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { parseTrainingRecords } from './training-data';

const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    if (err instanceof PlatformError) return err.message;
    throw err;
  }
  throw new Error('no refusal');
};

describe('training data files', () => {
  it('reads a JSON array and JSON Lines of {input, output}', () => {
    expect(parseTrainingRecords('[{"input":"a","output":"b","extra":1}]', 'input_output', 'f')).toEqual([{ input: 'a', output: 'b' }]);
    expect(parseTrainingRecords('\uFEFF{"input":"a","output":"b"}\n\n{"input":"c","output":"d"}\r\n', 'input_output', 'f')).toHaveLength(2);
  });

  it('reads InstructLab {messages} lines for fine tunings only', () => {
    const line = '{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}';
    expect(parseTrainingRecords(line, 'input_output_or_messages', 'f')).toHaveLength(1);
    expect(refusal(() => parseTrainingRecords(line, 'input_output', 'f'))).toMatch(/line 1 needs a string "input"/);
    expect(refusal(() => parseTrainingRecords('{"messages":[{"role":"user","content":"q"}]}', 'input_output_or_messages', 'f'))).toMatch(
      /no assistant message/,
    );
  });

  it('names the file and the record or line of a bad one', () => {
    expect(
      refusal(() => parseTrainingRecords('[{"input":"a","output":"b"},{"input":"a"}]', 'input_output', 'training_data_references[2]')),
    ).toBe('training_data_references[2]: record 1 input and output must be strings.');
    expect(refusal(() => parseTrainingRecords('{"input":"a","output":"b"}\nnot json', 'input_output', 'x'))).toMatch(
      /line 2 is not valid JSON/,
    );
    expect(refusal(() => parseTrainingRecords('[{"input":', 'input_output', 'x'))).toMatch(/is not valid JSON/);
    expect(refusal(() => parseTrainingRecords('\n\n', 'input_output', 'x'))).toMatch(/holds no training records/);
    expect(refusal(() => parseTrainingRecords('{"input":1,"output":"b"}', 'input_output', 'x'))).toMatch(
      /line 1 input and output must be strings/,
    );
  });

  it('reads preference pairs for DPO', () => {
    expect(parseTrainingRecords('{"prompt":"p","chosen":"c","rejected":"r"}', 'preference', 'x')).toEqual([
      { prompt: 'p', chosen: 'c', rejected: 'r' },
    ]);
    expect(refusal(() => parseTrainingRecords('{"prompt":"p","chosen":"c"}', 'preference', 'x'))).toMatch(/rejected/);
    // The trainer reads only these roles in a prompt: a job it would fail is refused at create.
    const pretraining = '{"prompt":[{"role":"pretraining","content":"p"}],"chosen":"c","rejected":"r"}';
    expect(refusal(() => parseTrainingRecords(pretraining, 'preference', 'x'))).toContain(
      'line 1 prompt[0] needs role system|user|assistant',
    );
  });
});
