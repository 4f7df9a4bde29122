import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { SingleQueryValuesPipe } from './single-query-values.pipe';

describe('SingleQueryValuesPipe', () => {
  const pipe = new SingleQueryValuesPipe();

  it('refuses a named query parameter given twice with a 400 naming it', () => {
    let thrown: unknown;
    try {
      pipe.transform(['members', 'x'], { type: 'query', data: 'include', metatype: String });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(PlatformError);
    expect((thrown as PlatformError).message).toBe('Query parameter include must be given at most once.');
    expect((thrown as PlatformError).target).toEqual({ type: 'field', name: 'include' });
  });

  it('passes single values, whole query objects, bodies and path parameters through', () => {
    expect(pipe.transform('members', { type: 'query', data: 'include', metatype: String })).toBe('members');
    expect(pipe.transform(undefined, { type: 'query', data: 'include', metatype: String })).toBeUndefined();
    const whole = { limit: ['1', '2'] };
    expect(pipe.transform(whole, { type: 'query', metatype: Object })).toBe(whole);
    expect(pipe.transform(['a'], { type: 'body', metatype: Array })).toEqual(['a']);
    expect(pipe.transform('id', { type: 'param', data: 'id', metatype: String })).toBe('id');
  });
});
