import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServedModel, training } from '@platform/engine';
import { corpusRecords, qaBlock } from './build';

const dir = join(__dirname, '../../models/starter');

/** Guards the committed starter model against drift in the engine it is served by. */
describe('starter model', () => {
  it('answers a corpus question in the [Question]/[Answer]/[End] format', async () => {
    const served = await createServedModel(dir, { threads: 1 });
    try {
      let text = '';
      const prompt = served.encode(qaBlock('What is the capital of France?'), false);
      for await (const ev of served.generate({ promptTokenIds: prompt, params: { maxTokens: 30, temperature: 0 } })) text += ev.text;
      expect(text).toBe('The capital of France is Paris.\n[End]');
    } finally {
      await served.close();
    }
  });

  it('has a low loss on its own corpus', () => {
    const records = corpusRecords(join(__dirname, 'corpus/qa.tsv')).slice(0, 40);
    expect(training.evaluateLoss(dir, records)).toBeLessThan(1);
  });
});
