import { describe, expect, it } from 'vitest';
import { findLeaves, findWrapperFolder } from './taxonomy-root';

describe('findWrapperFolder', () => {
  it('finds the one folder around knowledge/ or compositional_skills/', () => {
    expect(findWrapperFolder(['repo/README.md', 'repo/knowledge/a/qna.yaml'])).toBe('repo');
    expect(findWrapperFolder(['repo/compositional_skills/a/qna.yaml'])).toBe('repo');
  });

  it('leaves root-relative taxonomies alone', () => {
    expect(findWrapperFolder(['knowledge/a/qna.yaml', 'README.md'])).toBeNull();
  });

  it('does not strip when there are several top-level folders or top-level files', () => {
    expect(findWrapperFolder(['a/knowledge/x/qna.yaml', 'b/knowledge/y/qna.yaml'])).toBeNull();
    expect(findWrapperFolder(['repo/knowledge/x/qna.yaml', 'stray.txt'])).toBeNull();
  });

  it('does not strip a folder that holds no taxonomy', () => {
    expect(findWrapperFolder(['repo/docs/qna.yaml'])).toBeNull();
    expect(findWrapperFolder([])).toBeNull();
  });
});

describe('findLeaves', () => {
  it('keeps qna.yaml files under the leaf roots, sorted', () => {
    expect(
      findLeaves([
        'knowledge/b/qna.yaml',
        'compositional_skills/a/qna.yaml',
        'knowledge/a/not-qna.yaml',
        'knowledge/a/qna.yml',
        'foundational_skills/a/qna.yaml',
        'qna.yaml',
        'knowledgeable/a/qna.yaml',
      ]),
    ).toEqual(['compositional_skills/a/qna.yaml', 'knowledge/b/qna.yaml']);
  });
});
