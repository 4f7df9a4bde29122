import { describe, expect, it } from 'vitest';
import { ROUTE_CLASSES, inputLimitsOf, type InputLimits } from './input-limits';
import { findLimitBreach } from './json-limits';

const LIMITS: InputLimits = { name: 'management', bodyBytes: 1024, depth: 3, stringChars: 6, collectionItems: 3 };

describe('the walk of a parsed body', () => {
  it('accepts a body within every limit', () => {
    expect(findLimitBreach({ name: 'abc', tags: ['x', 'y'], nested: { a: [1] } }, LIMITS)).toBeUndefined();
  });

  it.each([
    ['depth', { a: { b: [[1]] } }, '', /nests deeper than 3 levels, the limit of management routes/],
    ['string length', { tags: ['ok', 'too long'] }, 'tags.1', /The value of tags\.1 is longer than 6 characters/],
    ['key length', { n: { longer_key: 1 } }, 'n.longer_key', /The name of n\.longer_key is longer than 6/],
    ['array size', { tags: ['a', 'b', 'c', 'd'] }, 'tags', /tags has 4 items, more than 3/],
    ['object size', { a: 1, b: 2, c: 3, d: 4 }, '', /The request body has 4 keys, more than 3/],
    ['a NUL in a value', { name: 'a\u0000b' }, 'name', /name contains a NUL character/],
    ['a NUL in a key', { 'a\u0000': 1 }, 'a\u0000', /contains a NUL character/],
  ])('names the field and the limit of %s', (_what, body, field, message) => {
    const breach = findLimitBreach(body, LIMITS);
    expect(breach?.field).toBe(field);
    expect(breach?.message).toMatch(message);
  });

  it('walks a body far deeper than its limit with a stack of its own, not the call stack', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findLimitBreach(deep, { ...LIMITS, depth: 200_000, collectionItems: 10 })).toBeUndefined();
    expect(findLimitBreach(deep, LIMITS)?.message).toMatch(/nests deeper than 3/);
  });
});

describe('the route classes', () => {
  it.each([
    ['/icp4d-api/v1/authorize', 'auth'],
    ['/identity/token', 'auth'],
    ['/ml/v1/text/chat?version=2024-05-31', 'inference'],
    ['/openai/v1/chat/completions', 'inference'],
    ['/inference/batch_completion', 'inference'],
    ['/synthetic_data_generation/generate', 'inference'],
    ['/reward_scoring/score', 'inference'],
    ['/v2/spaces/:id', 'management'],
    ['/v1/projects/:project_id/taxonomies', 'management'],
    ['/ml/v1/fine_tunings', 'management'],
    ['/ml/v1/text/extractions', 'management'],
    ['/ml/v1/text/extractions/:id', 'management'],
    ['/ml/v1/text/extractionsx', 'inference'],
    ['/ml/v1/autoai/rags', 'management'],
    ['/inferences', 'management'],
    ['/v2/notebooks', 'notebook'],
    ['/v2/notebooks/:notebook_guid/versions', 'notebook'],
    ['/v2/notebooksx', 'management'],
    ['/datasets/create', 'dataset'],
    ['/post_training/supervised_fine_tune/', 'dataset'],
    ['/memory_banks/create?bank_uuid=b&bank_name=b', 'document'],
    ['/memory_bank/insert', 'document'],
    ['/agentic_system/execute', 'inference'],
    ['/agentic_system/create', 'management'],
    ['/v2/asset_files/*', 'file'],
    ['/v2/asset_files', 'file'],
    ['/v1/events?project_id=p', 'events'],
    ['/v1/eventsx', 'management'],
  ])('%s is a %s route', (url, name) => {
    expect(inputLimitsOf(url).name).toBe(name);
  });

  it('keep the login routes the smallest and model input the largest', () => {
    const [auth, inference, management] = ROUTE_CLASSES;
    for (const key of ['bodyBytes', 'depth', 'stringChars', 'collectionItems'] as const) {
      expect(auth[key]).toBeLessThan(management[key]);
      expect(management[key]).toBeLessThan(inference[key]);
    }
  });
});
