import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { countTokens, estimateTaxonomyTokens, readTaxonomyArchive } from './index';
import { Readable } from 'node:stream';
import { buildTarGz } from './testing/build-tar';

// cl100k_base counts, fixed here so a change of tokenizer shows up as a failing test:
// "What is the capital of France?" = 7, "Paris." = 2, "hello world" = 2, "Tabby cats are not a breed." = 8.
const knowledgeLeaf = stringify({
  version: 3,
  domain: 'geography', // metadata: not counted
  created_by: 'someone-with-a-rather-long-github-handle',
  document_outline: 'hello world',
  seed_examples: [
    {
      context: 'Tabby cats are not a breed.',
      questions_and_answers: [
        { question: 'What is the capital of France?', answer: 'Paris.' },
        { question: 'hello world', answer: 'Paris.' },
      ],
    },
  ],
  document: { repo: 'https://github.com/example/docs', commit: 'abc123', patterns: ['*.md'] },
});
const KNOWLEDGE_TOKENS = 2 + 8 + 7 + 2 + 2 + 2;

const skillLeaf = stringify({
  version: 2,
  task_description: 'answer capital questions', // not seed data: not counted
  created_by: 'someone',
  seed_examples: [
    { question: 'What is the capital of France?', answer: 'Paris.' },
    { question: 'hello world', answer: 'hello world', context: 'Tabby cats are not a breed.' },
  ],
});
const SKILL_TOKENS = 7 + 2 + 2 + 2 + 8;

const files = (entries: Record<string, string>): Map<string, Buffer> =>
  new Map(Object.entries(entries).map(([k, v]) => [k, Buffer.from(v)]));

describe('estimateTaxonomyTokens', () => {
  it('counts the seed questions, answers, contexts and outline of knowledge and skill leaves', () => {
    const leaves = ['knowledge/geo/qna.yaml', 'compositional_skills/geo/qna.yaml'];
    const estimate = estimateTaxonomyTokens(files({ [leaves[0]]: knowledgeLeaf, [leaves[1]]: skillLeaf }), leaves);
    expect(estimate.perLeaf).toEqual({ [leaves[0]]: KNOWLEDGE_TOKENS, [leaves[1]]: SKILL_TOKENS });
    expect(estimate.dataTokensEstimated).toBe(KNOWLEDGE_TOKENS + SKILL_TOKENS);
    expect(estimate.rawTextLeaves).toEqual([]);
  });

  it('counts the raw text of a leaf whose YAML does not parse', () => {
    const broken = 'seed_examples: [\n  - question: "unterminated\n';
    const estimate = estimateTaxonomyTokens(files({ 'knowledge/x/qna.yaml': broken }), ['knowledge/x/qna.yaml']);
    expect(estimate.rawTextLeaves).toEqual(['knowledge/x/qna.yaml']);
    expect(estimate.perLeaf['knowledge/x/qna.yaml']).toBeGreaterThan(5);
  });

  it('counts the raw text of a leaf that is YAML but not a mapping', () => {
    const estimate = estimateTaxonomyTokens(files({ 'knowledge/x/qna.yaml': 'hello world' }), ['knowledge/x/qna.yaml']);
    expect(estimate).toEqual({ dataTokensEstimated: 2, perLeaf: { 'knowledge/x/qna.yaml': 2 }, rawTextLeaves: ['knowledge/x/qna.yaml'] });
  });

  it('counts the raw text of a leaf with more aliases than the validator allows, without resolving each of them', () => {
    const leaf = 'seed_examples:\n' + Array.from({ length: 20_000 }, (_, i) => `  - &a${i} x\n  - *a${i}\n`).join('');
    const estimate = estimateTaxonomyTokens(files({ 'knowledge/x/qna.yaml': leaf }), ['knowledge/x/qna.yaml']);
    expect(estimate.rawTextLeaves).toEqual(['knowledge/x/qna.yaml']);
    expect(estimate.dataTokensEstimated).toBe(countTokens(leaf));
  });

  it('treats special-token strings in user data as plain text', () => {
    const leaf = stringify({ seed_examples: [{ question: '<|endoftext|>', answer: 'Paris.' }] });
    const estimate = estimateTaxonomyTokens(files({ 'compositional_skills/x/qna.yaml': leaf }), ['compositional_skills/x/qna.yaml']);
    expect(estimate.dataTokensEstimated).toBe(7 + 2);
  });

  it('estimates a skill whose answer is one 100,000-character word (once minutes of blocked event loop)', () => {
    const word = 'ab'.repeat(50_000);
    const leaf = stringify({ seed_examples: [{ question: 'What is the capital of France?', answer: word }] });
    const estimate = estimateTaxonomyTokens(files({ 'compositional_skills/x/qna.yaml': leaf }), ['compositional_skills/x/qna.yaml']);
    expect(estimate.dataTokensEstimated).toBe(7 + countTokens(word));
    expect(countTokens(word)).toBeGreaterThan(1000);
  });

  it('estimates a taxonomy read from an archive', async () => {
    const archive = await readTaxonomyArchive(
      Readable.from([
        await buildTarGz([
          { name: 'taxonomy/knowledge/geo/qna.yaml', body: knowledgeLeaf },
          { name: 'taxonomy/compositional_skills/geo/qna.yaml', body: skillLeaf },
          { name: 'taxonomy/README.md', body: 'hello world' },
        ]),
      ]),
    );
    const estimate = estimateTaxonomyTokens(archive.files, archive.leaves);
    expect(estimate.perLeaf).toEqual({ 'compositional_skills/geo/qna.yaml': SKILL_TOKENS, 'knowledge/geo/qna.yaml': KNOWLEDGE_TOKENS });
  });
});
