import { describe, expect, it } from 'vitest';
import { taxonomyV1 } from '@platform/contracts';
import { SUN_DOCUMENT, sampleLeaves } from '../testing/sample-taxonomy';
import { chunkDocument, chunkTokenBudget } from './chunking';
import { leafNodeType, leafSlug, taxonomyPath } from './leaf-naming';
import { knowledgeRows, readSeeds, skillRows } from './seed-examples';

const words = async (t: string) => t.split(/\s+/).filter(Boolean).length;

describe('chunking', () => {
  it('packs whole paragraphs up to the budget and splits oversized ones by sentence', async () => {
    const chunks = await chunkDocument(SUN_DOCUMENT, 30, words);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(await words(c)).toBeLessThanOrEqual(30);
    expect(chunks.join(' ').replace(/\s+/g, ' ')).toBe(SUN_DOCUMENT.trim().replace(/\s+/g, ' '));
    const long = Array.from({ length: 40 }, (_, i) => `Sentence ${i} is here.`).join(' ');
    const parts = await chunkDocument(long, 10, words);
    expect(parts.every((p) => p.split(/\s+/).length <= 10)).toBe(true);
  });

  it('budgets ~500 tokens, less for small contexts', () => {
    expect(chunkTokenBudget(0)).toBe(500);
    expect(chunkTokenBudget(4096)).toBe(500);
    expect(chunkTokenBudget(256)).toBe(102);
  });
});

describe('seed rows', () => {
  const [knowledge, freeform, grounded] = sampleLeaves('k');

  it('names leaves as InstructLab does', () => {
    expect(leafSlug(knowledge.path)).toBe('knowledge_science_astronomy_sun');
    expect(taxonomyPath(knowledge.path)).toBe('knowledge->science->astronomy->sun');
    expect(leafNodeType(taxonomyV1.LeafKind.LEAF_KIND_GROUNDED_SKILL)).toBe('grounded_skill');
    expect(() => leafNodeType(taxonomyV1.LeafKind.LEAF_KIND_UNSPECIFIED)).toThrow(/cannot be generated/);
  });

  it('knowledge: chunks × seed examples with the seed Q&A as ICL columns', () => {
    const rows = knowledgeRows(knowledge.path, readSeeds(knowledge.qnaYaml, knowledge.path), ['c1', 'c2']);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatchObject({
      document: 'c1',
      domain: 'astronomy',
      document_outline: 'Facts about the Sun',
      icl_query_1: 'What is the Sun?',
      icl_response_3: 'Yes, the Sun is a star.',
      leaf_node_type: 'knowledge',
    });
  });

  it('skills: one row per seed example; grounded rows carry the context', () => {
    expect(skillRows(freeform.path, readSeeds(freeform.qnaYaml, freeform.path), 'freeform_skill')).toHaveLength(3);
    const g = skillRows(grounded.path, readSeeds(grounded.qnaYaml, grounded.path), 'grounded_skill');
    expect(g[0]).toMatchObject({
      seed_context: 'Paris is the capital of France.',
      seed_question: 'What is the capital of France?',
      task_description: 'Answer a question about a short text.',
    });
  });
});
