import { describe, expect, it } from 'vitest';
import { queryFlag } from './query-flag';

describe('queryFlag', () => {
  it('reads true and false, and takes the default when the parameter is unset or empty', () => {
    expect(queryFlag('true', 'hard_delete')).toBe(true);
    expect(queryFlag('false', 'hard_delete', true)).toBe(false);
    expect(queryFlag(undefined, 'total_count')).toBe(false);
    expect(queryFlag('', 'restrict_model_parameters', true)).toBe(true);
  });

  it('refuses anything else with a 400 naming the parameter', () => {
    for (const value of ['yes', 'TRUE', '1'])
      expect(() => queryFlag(value, 'hard_delete')).toThrow(expect.objectContaining({ target: { type: 'field', name: 'hard_delete' } }));
  });
});
