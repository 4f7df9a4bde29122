import { describe, expect, it } from 'vitest';
import { leafKindOf } from './leaf-kind';

describe('leafKindOf', () => {
  it('tells knowledge, grounded and freeform skill leaves apart', () => {
    expect(leafKindOf('knowledge/science/sun/qna.yaml', 'version: 3\n')).toBe('knowledge');
    expect(leafKindOf('compositional_skills/a/qna.yaml', 'seed_examples:\n  - context: c\n    question: q\n    answer: a\n')).toBe(
      'grounded_skill',
    );
    expect(leafKindOf('compositional_skills/b/qna.yaml', 'seed_examples:\n  - question: q\n    answer: a\n')).toBe('freeform_skill');
  });
});
