import { validateLeafText } from '@platform/taxonomy-rules';
import { describe, expect, it } from 'vitest';
import { leafTree } from './leaf-tree';
import { emptyDraft, folderProblem, leafPathOf, qnaYamlOf, type SkillDraft } from './qna-draft';
import { archiveLocation, taxonomyNameProblem } from './taxonomy-name';

const filledSkill = (): SkillDraft => ({
  kind: 'skill',
  folder: 'writing/poetry',
  created_by: 'console',
  task_description: 'Write short poems',
  grounded: false,
  seeds: ['sea', 'moon', 'rain', 'cat', 'spring'].map((topic) => ({
    context: '',
    question: `Write a line about the ${topic}.`,
    answer: topic === 'sea' ? 'The sea is wide,\nand deep and blue.' : 'yes',
  })),
});

describe('the qna.yaml form', () => {
  it('writes a filled skill as a leaf the taxonomy rules accept (YAML 1.1: "yes" stays text, multi-line text a block)', () => {
    const draft = filledSkill();
    const text = qnaYamlOf(draft);
    expect(leafPathOf(draft)).toBe('compositional_skills/writing/poetry/qna.yaml');
    expect(validateLeafText(leafPathOf(draft), text)).toEqual([]);
    expect(text).toContain('answer: "yes"');
    expect(text).toContain('answer: |-\n      The sea is wide,\n      and deep and blue.');
  });

  it('reports the empty fields of a new knowledge leaf with their lines', () => {
    const draft = { ...emptyDraft('knowledge'), folder: 'science/sun' };
    const text = qnaYamlOf(draft);
    const issues = validateLeafText(leafPathOf(draft), text);
    const lines = text.split('\n');
    const createdBy = issues.find((i) => i.message === 'created_by must not be empty');
    expect(createdBy && lines[createdBy.line - 1]).toBe('created_by: ""');
    // Five identical empty seeds: four repeat the first.
    expect(issues.filter((i) => i.rule === 'unique-items').length).toBeGreaterThanOrEqual(4);
  });

  it('a grounded skill whose seed misses its context is refused on that seed', () => {
    const draft = { ...filledSkill(), grounded: true };
    draft.seeds = draft.seeds.map((s, i) => ({ ...s, context: i === 2 ? '' : `Context ${i}` }));
    const issues = validateLeafText(leafPathOf(draft), qnaYamlOf(draft));
    expect(issues.map((i) => i.message)).toEqual(['seed_examples[2].context must not be empty']);
  });

  it('checks the folder and the taxonomy name as the API does', () => {
    expect(folderProblem('')).toMatch(/Name the folder/);
    expect(folderProblem('science/../x')).toMatch(/"\.\."/);
    expect(folderProblem('science/astronomy')).toBeNull();
    expect(taxonomyNameProblem('my-taxonomy_1')).toBeNull();
    expect(taxonomyNameProblem('my--taxonomy')).not.toBeNull();
    expect(taxonomyNameProblem('x'.repeat(33))).toMatch(/At most 32/);
    expect(taxonomyNameProblem('poems', new Set(['poems']))).toMatch(/already exists/);
    // The longest name still fits taxonomy_path_cos's 100 characters.
    expect(archiveLocation('3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b', 'x'.repeat(32)).key).toHaveLength(100);
  });
});

describe('leafTree', () => {
  it('nests the folders of the leaves, sorted, each leaf on its folder', () => {
    const tree = leafTree(['knowledge/science/sun/qna.yaml', 'compositional_skills/poetry/qna.yaml', 'knowledge/art/qna.yaml']);
    expect(tree.map((n) => n.name)).toEqual(['compositional_skills', 'knowledge']);
    expect(tree[1].children.map((n) => [n.path, n.leaf])).toEqual([
      ['knowledge/art', 'knowledge/art/qna.yaml'],
      ['knowledge/science', undefined],
    ]);
    expect(tree[1].children[1].children[0].leaf).toBe('knowledge/science/sun/qna.yaml');
  });
});
