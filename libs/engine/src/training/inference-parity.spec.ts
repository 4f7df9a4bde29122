import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServedModel } from '../served-model';
import { loadTrainingModel } from './checkpoint';
import { lastLogits } from './forward-backward';
import { createFixtureModel, fixtureRecords } from './test-fixture';
import { train } from './trainer';

const root = mkdtempSync(join(tmpdir(), 'parity-spec-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * The trainer has its own forward pass; if it disagreed with the inference engine's, a fine-tune would
 * optimise a model nobody serves. Greedy continuations and their log-probabilities must match.
 */
describe('training forward vs inference engine', () => {
  it('agree on a trained checkpoint', async () => {
    createFixtureModel(join(root, 'base'));
    const r = await train({
      modelDir: join(root, 'base'),
      records: fixtureRecords(),
      outputDir: join(root, 'out'),
      epochs: 10,
      batchSize: 2,
      learningRate: 1e-2,
      saveEveryEpoch: false,
    });
    const dir = r.checkpoints[0];
    const { config, params, tokenizer } = loadTrainingModel(dir);
    const prompt = tokenizer.encode(tokenizer.applyChatTemplate([{ role: 'user', content: 'What do cats say?' }], true), false);

    const ours: { id: number; logprob: number }[] = [];
    const ids = [...prompt];
    for (let i = 0; i < 8; i++) {
      const logits = lastLogits(config, params, ids);
      let best = 0;
      for (let v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
      let max = -Infinity;
      for (const x of logits) max = Math.max(max, x);
      let sum = 0;
      for (const x of logits) sum += Math.exp(x - max);
      ours.push({ id: best, logprob: logits[best] - max - Math.log(sum) });
      ids.push(best);
    }

    const served = await createServedModel(dir, { threads: 1 });
    try {
      const theirs: { id: number; logprob: number }[] = [];
      const params8 = { maxTokens: 8, minTokens: 8, temperature: 0, logprobs: 1, ignoreEos: true };
      for await (const ev of served.generate({ promptTokenIds: prompt, params: params8 })) {
        for (const lp of ev.logprobs ?? []) theirs.push({ id: lp.tokenId, logprob: lp.logprob });
      }
      expect(theirs.map((t) => t.id)).toEqual(ours.map((t) => t.id));
      theirs.forEach((t, i) => expect(t.logprob).toBeCloseTo(ours[i].logprob, 3));
    } finally {
      await served.close();
    }
  });
});
