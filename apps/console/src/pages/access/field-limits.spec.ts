import { describe, expect, it } from 'vitest';
import { lengthProblem } from './field-limits';

describe('lengthProblem', () => {
  it('refuses what the API refuses: a required field blank, a field over its limit', () => {
    expect(lengthProblem('Name', '   ', 100, true)).toBe('Name is required.');
    expect(lengthProblem('Name', 'x'.repeat(101), 100, true)).toBe('Name is at most 100 characters (101 now).');
    expect(lengthProblem('Name', 'x'.repeat(100), 100, true)).toBeNull();
    expect(lengthProblem('Description', '', 1000)).toBeNull();
  });
});
