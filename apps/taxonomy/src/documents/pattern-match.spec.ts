import { describe, expect, it } from 'vitest';
import { matchDocuments } from './pattern-match';

const TREE = ['README.md', 'docs/sun.md', 'docs/moon.pdf', 'docs/deep/mars.md', '.github/notes.md', 'docs/image.png', 'chapter1.pdf'];

describe('matchDocuments', () => {
  it('keeps "*" within the repository root', () => {
    expect(matchDocuments(TREE, ['*.md'])).toEqual(['README.md']);
  });

  it('crosses folders with "**" but skips dot-folders', () => {
    expect(matchDocuments(TREE, ['**/*.md'])).toEqual(['README.md', 'docs/deep/mars.md', 'docs/sun.md']);
  });

  it('unions several patterns and ignores a leading ./', () => {
    expect(matchDocuments(TREE, ['./docs/*.md', '*.pdf', 'docs/*.pdf'])).toEqual(['chapter1.pdf', 'docs/moon.pdf', 'docs/sun.md']);
  });

  it('supports braces and exact names', () => {
    expect(matchDocuments(TREE, ['docs/*.{md,pdf}'])).toEqual(['docs/moon.pdf', 'docs/sun.md']);
    expect(matchDocuments(TREE, ['docs/deep/mars.md'])).toEqual(['docs/deep/mars.md']);
  });

  it('matches dot-folders only when the pattern names them', () => {
    expect(matchDocuments(TREE, ['.github/*.md'])).toEqual(['.github/notes.md']);
  });

  it('matches nothing for empty or non-matching patterns', () => {
    expect(matchDocuments(TREE, ['  '])).toEqual([]);
    expect(matchDocuments(TREE, ['*.txt'])).toEqual([]);
  });
});
