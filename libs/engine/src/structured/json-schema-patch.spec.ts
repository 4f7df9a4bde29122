import { describe, expect, it } from 'vitest';
import { patchStringLengths } from './json-schema-patch';

const CHAR = String.raw`[^\x00-\x1f"\\]`;

describe('patchStringLengths', () => {
  it('turns length-bounded strings into the same bounded pattern, wherever they sit', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: 'string', maxLength: 4 },
        b: { type: 'array', items: { type: 'string', minLength: 2 } },
        c: { anyOf: [{ type: 'string', minLength: 1, maxLength: 3 }, { type: 'null' }] },
      },
      $defs: { d: { type: 'string', maxLength: 0 } },
    };
    expect(JSON.parse(patchStringLengths(JSON.stringify(schema)))).toEqual({
      type: 'object',
      properties: {
        a: { type: 'string', pattern: `^${CHAR}{0,4}$` },
        b: { type: 'array', items: { type: 'string', pattern: `^${CHAR}{2,}$` } },
        c: { anyOf: [{ type: 'string', pattern: `^${CHAR}{1,3}$` }, { type: 'null' }] },
      },
      $defs: { d: { type: 'string', pattern: `^${CHAR}{0,0}$` } },
    });
  });

  it('leaves alone what xgrammar handles or judges itself, and data that only looks like a schema', () => {
    for (const schema of [
      { type: 'string' },
      { type: 'string', maxLength: 3, pattern: '^a+$' },
      { type: 'string', maxLength: 3, format: 'date' },
      { type: 'string', maxLength: 3, enum: ['ab'] },
      { type: 'string', maxLength: -1 },
      { type: 'string', minLength: 5, maxLength: 2 },
      { type: 'string', maxLength: 2.5 },
      { const: { type: 'string', maxLength: 3 } },
      { type: 'object', default: { type: 'string', maxLength: 3 } },
    ]) {
      const text = JSON.stringify(schema);
      expect(patchStringLengths(text)).toBe(text);
    }
  });
});
