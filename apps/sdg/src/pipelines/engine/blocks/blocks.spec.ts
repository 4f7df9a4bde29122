import { describe, expect, it } from 'vitest';
import { ScriptedTeacher } from '../../testing/scripted-teacher';
import type { Row } from '../row';
import type { BlockContext } from './block';
import { CombineColumnsBlock, DuplicateColumnsBlock, FlattenColumnsBlock, RenameColumnsBlock, SampleBlock, dedupe } from './column-blocks';
import { FilterByValueBlock, convert } from './filter-block';
import { LlmBlock } from './llm-block';

const ctx = (teacher: ScriptedTeacher, numInstructions = 2): BlockContext => ({
  teacher,
  models: { teacher: 'teach', judge: 'judge' },
  signal: new AbortController().signal,
  numInstructions,
  seedParts: [42, 'leaf', 0],
  onStage: () => undefined,
});

describe('LlmBlock', () => {
  const questions = new LlmBlock('gen', {
    model: 'teacher',
    prompt: { system: 'sys {{domain}}', introduction: 'About {{domain}}', generation: 'Doc: {{document}}' },
    prefill: '[Question]\n',
    output_cols: ['question'],
    parser: { regex: '\\[Question\\]\\s*([\\s\\S]*?)\\s*(?=\\[End\\]|\\[Question\\]|$)' },
    gen: { max_tokens: 50, n: 'scaled' },
  });

  it('renders the prompt, asks n times with distinct seeds and fans out one row per parsed item', async () => {
    const teacher = new ScriptedTeacher((c) => `Q about ${c.user.slice(-3)} ${c.seed}?\n[End]\n[Question]\nSecond?\n[End]`);
    const rows = await questions.run([{ domain: 'sun', document: 'abc' }], ctx(teacher));
    expect(teacher.calls).toHaveLength(2);
    expect(teacher.calls[0]).toMatchObject({
      model: 'teach',
      system: 'sys sun',
      user: 'About sun\n\nDoc: abc',
      prefill: '[Question]\n',
      maxTokens: 50,
      temperature: 0.7,
    });
    expect(teacher.calls[0].seed).not.toBe(teacher.calls[1].seed);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({ domain: 'sun', document: 'abc', question: `Q about abc ${teacher.calls[0].seed}?` });
    // Same job seed and place → same sampling seeds on a rerun.
    const again = new ScriptedTeacher(() => 'x');
    await questions.run([{ domain: 'sun', document: 'abc' }], ctx(again));
    expect(again.calls.map((c) => c.seed)).toEqual(teacher.calls.map((c) => c.seed));
  });

  it('drops rows missing a template variable and rows whose output does not parse', async () => {
    const teacher = new ScriptedTeacher((c) => (c.user.includes('bad') ? '[End]' : 'fine\n[End]'));
    const rows = await questions.run(
      [{ domain: 'a', document: 'good' }, { domain: 'b', document: 'bad' }, { document: 'no domain' }],
      ctx(teacher, 1),
    );
    expect(rows.map((r) => r.question)).toEqual(['fine']);
    expect(teacher.calls).toHaveLength(2);
  });

  it('keeps unjudged rows with null outputs and the raw reply when on_no_match is keep', async () => {
    const judge = new LlmBlock('judge_it', {
      model: 'judge',
      prompt: { generation: '{{question}}' },
      prefill: '[Explanation]\n',
      output_cols: ['why', 'verdict'],
      parser: { regex: '\\[Explanation\\]\\s*([\\s\\S]*?)\\s*\\[Verdict\\]\\s*(YES|NO)\\b', flags: 'i' },
      on_no_match: 'keep',
    });
    const teacher = new ScriptedTeacher((c) => (c.user === 'a' ? 'ok\n[Verdict] no' : 'rambling'));
    const rows = await judge.run([{ question: 'a' }, { question: 'b' }], ctx(teacher));
    expect(teacher.calls.every((c) => c.model === 'judge' && c.temperature === 0)).toBe(true);
    expect(rows).toEqual([
      { question: 'a', why: 'ok', verdict: 'no' },
      { question: 'b', why: null, verdict: null, judge_it_raw: '[Explanation]\nrambling' },
    ]);
  });
});

describe('FilterByValue', () => {
  const rows: Row[] = [{ s: '2' }, { s: '1.0' }, { s: 'junk' }, { s: null }, { s: 3 }];

  it('compares after dtype conversion; unconvertible values fail unless a default is given', async () => {
    expect(await new FilterByValueBlock('f', { column: 's', value: 2, operation: 'eq', convert_dtype: 'float' }).run(rows)).toEqual([
      { s: '2' },
    ]);
    expect(await new FilterByValueBlock('f', { column: 's', value: 2, operation: 'ge', convert_dtype: 'float' }).run(rows)).toEqual([
      { s: '2' },
      { s: 3 },
    ]);
    expect(
      await new FilterByValueBlock('f', { column: 's', value: 2, operation: 'ge', convert_dtype: 'float', default_value: 3 }).run(rows),
    ).toEqual([{ s: '2' }, { s: 'junk' }, { s: null }, { s: 3 }]);
    expect(await new FilterByValueBlock('f', { column: 's', value: [1, 3], operation: 'eq', convert_dtype: 'int' }).run(rows)).toEqual([
      { s: '1.0' },
      { s: 3 },
    ]);
  });

  it('upper-cases verdicts and supports contains / ne / lt', async () => {
    const v: Row[] = [{ j: 'yes' }, { j: 'No' }, { j: 'YES ' }];
    expect(await new FilterByValueBlock('f', { column: 'j', value: 'YES', operation: 'eq', convert_dtype: 'upper' }).run(v)).toEqual([
      { j: 'yes' },
      { j: 'YES ' },
    ]);
    expect(await new FilterByValueBlock('f', { column: 'j', value: 'o', operation: 'contains' }).run(v)).toEqual([{ j: 'No' }]);
    expect(await new FilterByValueBlock('f', { column: 'j', value: 'No', operation: 'ne' }).run(v)).toHaveLength(2);
    expect(convert('true', 'bool')).toBe(true);
    expect(convert('maybe', 'bool')).toBeUndefined();
  });
});

describe('column blocks', () => {
  it('dedupes on trimmed values, keeping the first', () => {
    expect(
      dedupe(
        [
          { q: 'a', n: 1 },
          { q: 'a ', n: 2 },
          { q: 'b', n: 3 },
        ],
        ['q'],
      ),
    ).toEqual([
      { q: 'a', n: 1 },
      { q: 'b', n: 3 },
    ]);
  });

  it('duplicates, renames, flattens and combines columns', async () => {
    const c = ctx(new ScriptedTeacher(() => ''));
    expect(await new DuplicateColumnsBlock('d', { document: 'base_document' }).run([{ document: 'x' }])).toEqual([
      { document: 'x', base_document: 'x' },
    ]);
    expect(await new RenameColumnsBlock('r', { document: 'raw_document' }).run([{ document: 'x', k: 1 }])).toEqual([
      { raw_document: 'x', k: 1 },
    ]);
    expect(
      await new FlattenColumnsBlock('f', { var_cols: ['a', 'b'], value_name: 'doc', var_name: 'kind' }).run([{ a: 1, b: 2, k: 0 }]),
    ).toEqual([
      { k: 0, kind: 'a', doc: 1 },
      { k: 0, kind: 'b', doc: 2 },
    ]);
    expect(
      await new CombineColumnsBlock('c', { columns: ['context', 'question'], output_col: 'question' }).run([
        { context: 'C', question: 'Q' },
      ]),
    ).toEqual([{ context: 'C', question: 'C\n\nQ' }]);
    const many = Array.from({ length: 10 }, (_, i) => ({ i }));
    const picked = await new SampleBlock('s', 3).run(many, c);
    expect(picked).toHaveLength(3);
    expect(await new SampleBlock('s', 3).run(many, c)).toEqual(picked);
  });
});
