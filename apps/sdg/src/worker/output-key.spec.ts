import { describe, expect, it } from 'vitest';
import { dataPrefix, outputKey } from './output-key';

describe('outputKey', () => {
  it('places files under data/<id>/', () => {
    expect(dataPrefix('j1')).toBe('data/j1/');
    expect(outputKey('j1', 'node_datasets/knowledge_a_b.jsonl')).toBe('data/j1/node_datasets/knowledge_a_b.jsonl');
  });

  it('refuses keys that would leave the folder', () => {
    for (const bad of ['', '/abs', '../x', 'a/../../x', 'a//b', './a']) expect(() => outputKey('j1', bad)).toThrow(/invalid output key/);
  });
});
