import { describe, expect, it } from 'vitest';
import { suggestKey } from './key-suggestion';

const KEYS = ['version', 'created_by', 'domain', 'document_outline', 'seed_examples', 'document'];

describe('suggestKey', () => {
  it.each([
    ['createdBy', 'created_by'],
    ['Created-By', 'created_by'],
    ['seed_example', 'seed_examples'],
    ['documnet', 'document'],
    ['versoin', 'version'],
  ])('suggests %s → %s', (typo, meant) => expect(suggestKey(typo, KEYS)).toBe(meant));

  it('suggests nothing for keys that are not near any known key', () => {
    expect(suggestKey('task_description', KEYS)).toBeUndefined();
    expect(suggestKey('x', KEYS)).toBeUndefined();
  });
});
