import { inferenceV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { foldGeneration } from '../handlers/generation';
import { LexiconHapScorer } from './hap/lexicon-scorer';
import { moderatedGeneration } from './moderated-generation';
import { MODERATE_MAX_CHARS, MODERATE_MAX_TEXTS, moderateTexts } from './moderate-texts';
import type { HapScorer } from './types';

const signal = new AbortController().signal;
const scorer = new LexiconHapScorer();

const BOTH: inferenceV1.Moderations = {
  hap: { input: { enabled: true, threshold: 0.5 }, output: undefined, mask: undefined },
  pii: { input: {}, output: undefined, mask: undefined },
  inputRanges: [],
};

const TEXTS = [
  'Mail me at jane.doe@example.com, or write to (212) 555-0199.',
  'You are a fucking idiot. The weather is fine.',
  'My SSN is 078-05-1120 and card 4111 1111 1111 1111.',
  'Nothing to see here.',
  '',
];

/** What a moderated generation reports for `input`; the model must not be asked (input findings stop it). */
async function viaGeneration(input: string, moderations: inferenceV1.Moderations): Promise<inferenceV1.ModerationResults> {
  const result = await foldGeneration(
    moderatedGeneration({ input, moderations }, { scorer, countInputTokens: async () => 1 }, signal, async function* () {
      yield* [];
    }),
  );
  return result.moderations ?? { hap: [], pii: [] };
}

describe('moderateTexts (the Moderate RPC)', () => {
  it("reports for each text exactly the input findings of a moderated generation's input", async () => {
    const { results } = await moderateTexts({ texts: TEXTS, moderations: BOTH }, scorer, signal);
    expect(results).toHaveLength(TEXTS.length);
    for (const [i, text] of TEXTS.entries()) expect(results[i]).toEqual(await viaGeneration(text, BOTH));
    expect(results[0].pii.map((f) => f.entity)).toEqual(['EmailAddress', 'PhoneNumber']);
    expect(results[1].hap).toEqual([expect.objectContaining({ entity: 'has_HAP', input: true, position: { start: 0, end: 24 } })]);
    expect(results[3]).toEqual({ hap: [], pii: [] });
  });

  it('applies the thresholds and input ranges as the generation path does', async () => {
    const strict: inferenceV1.Moderations = { ...BOTH, pii: { input: { threshold: 0.7 }, output: undefined, mask: undefined } };
    const ranged: inferenceV1.Moderations = { ...BOTH, inputRanges: [{ start: 30, end: 200 }] };
    for (const m of [strict, ranged]) {
      const { results } = await moderateTexts({ texts: TEXTS, moderations: m }, scorer, signal);
      for (const [i, text] of TEXTS.entries()) expect(results[i]).toEqual(await viaGeneration(text, m));
    }
    const { results } = await moderateTexts({ texts: [TEXTS[0]], moderations: strict }, scorer, signal);
    expect(results[0].pii.map((f) => f.entity)).toEqual(['EmailAddress']);
  });

  it('finds nothing when no input moderation is on (output sides are not read)', async () => {
    const outputOnly: inferenceV1.Moderations = { hap: { input: undefined, output: {}, mask: undefined }, pii: undefined, inputRanges: [] };
    for (const m of [undefined, outputOnly]) {
      const { results } = await moderateTexts({ texts: TEXTS, moderations: m }, scorer, signal);
      expect(results).toEqual(TEXTS.map(() => ({ hap: [], pii: [] })));
    }
  });

  it('refuses more texts or characters than the bounds, naming texts, before any detector runs', async () => {
    let scored = 0;
    const counting: HapScorer = { score: async (s, sig) => ((scored += s.length), scorer.score(s, sig)) };
    const over = [
      { texts: Array(MODERATE_MAX_TEXTS + 1).fill('you idiot') },
      { texts: ['a'.repeat(MODERATE_MAX_CHARS / 2), 'b'.repeat(MODERATE_MAX_CHARS / 2 + 1)] },
    ];
    for (const { texts } of over)
      await expect(moderateTexts({ texts, moderations: BOTH }, counting, signal)).rejects.toMatchObject({
        target: { type: 'field', name: 'texts' },
      });
    expect(scored).toBe(0);
    const { results } = await moderateTexts({ texts: Array(MODERATE_MAX_TEXTS).fill('you idiot'), moderations: BOTH }, counting, signal);
    expect(results).toHaveLength(MODERATE_MAX_TEXTS);
  });
});
