import { describe, expect, it } from 'vitest';
import { loadPipelines, PIPELINE_NAMES } from '../load-pipelines';
import { PipelineDefinitionError, parsePipelineDefinition } from './load-definition';

function problems(text: string): string[] {
  try {
    parsePipelineDefinition(text, 'x.yaml');
  } catch (e) {
    if (e instanceof PipelineDefinitionError) return e.problems;
    throw e;
  }
  return [];
}

const llm = (extra = '') => `
version: "1.0"
name: p
blocks:
  - name: gen
    type: LLMBlock
    config:
      model: teacher
      prompt: { generation: "{{document}}" }
      output_cols: [question]
      parser: { regex: '\\[Q\\](.*)' }
${extra}`;

describe('pipeline definitions', () => {
  it('loads the four built-in pipelines', () => {
    const all = loadPipelines();
    expect(Object.keys(all).sort()).toEqual([...PIPELINE_NAMES].sort());
    expect(all.knowledge.definition.blocks.map((b) => b.name)).toEqual([
      'gen_questions',
      'gen_answers',
      'eval_faithfulness',
      'filter_faithfulness',
      'eval_relevancy',
      'filter_relevancy',
      'eval_question',
      'filter_question',
    ]);
  });

  it('accepts a minimal valid file', () => {
    expect(problems(llm())).toEqual([]);
  });

  it('reports every problem with its path and block name', () => {
    const found = problems(`
version: "2.0"
name: p
blocks:
  - name: gen
    type: LLMBlock
    config:
      model: teacher
      prompt: { generation: "x" }
      output_cols: [a, b]
      parser: { regex: '(x)' }
  - name: gen
    type: FilterByValue
    config: { column: a, value: 1, operation: eq }
`);
    expect(found).toEqual([
      '/version: major version 2 is not supported (this engine reads 1.x)',
      '/blocks/0 (block gen)/config/parser/regex: 1 capture groups for 2 output columns',
      '/blocks/1 (block gen): duplicate block name',
    ]);
  });

  it('names schema errors: unknown keys, missing fields, bad enums, unknown block types', () => {
    const found = problems(`
version: "1.0"
name: p
blocks:
  - name: gen
    type: LLMBlock
    config:
      model: student
      prompt: { generation: "x" }
      parser: { tags: [{ start: a, end: b }] }
      colour: red
  - name: other
    type: Magic
    config: {}
`);
    expect(found).toContain("/blocks/0/config (block gen): must have required property 'output_cols'");
    expect(found).toContain('/blocks/0/config (block gen): must NOT have additional properties "colour"');
    expect(found).toContain('/blocks/0/config/model (block gen): must be equal to one of the allowed values ["teacher","judge"]');
    expect(found.some((p) => p.startsWith('/blocks/1/type (block other): must be equal to one of the allowed values'))).toBe(true);
  });

  it('reports YAML syntax errors and parser mistakes', () => {
    expect(problems('version: "1.0"\nblocks: [')[0]).toMatch(/flow sequence|Missing|Unexpected/i);
    expect(problems(llm().replace("{ regex: '\\[Q\\](.*)' }", "{ regex: '(', tags: [{start: a, end: b}] }"))).toEqual([
      '/blocks/0 (block gen)/config/parser: give exactly one of "tags" or "regex"',
      expect.stringMatching(/^\/blocks\/0 \(block gen\)\/config\/parser\/regex: Invalid regular expression/),
    ]);
  });
});
