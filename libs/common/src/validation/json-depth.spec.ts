import { describe, expect, it } from 'vitest';
import { jsonNestsDeeperThan } from './json-depth';

describe('the nesting scan of JSON text', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    expect(jsonNestsDeeperThan('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(jsonNestsDeeperThan('{"a":"[[[[[[","b":"\\"[[[["}', 1)).toBe(false);
    expect(jsonNestsDeeperThan('[1],[2],[3]', 1)).toBe(false);
  });

  it('refuses a million levels without recursing or building anything', () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    expect(jsonNestsDeeperThan(deep, 64)).toBe(true);
    expect(jsonNestsDeeperThan(deep, 1_000_000)).toBe(false);
  });
});
