import { inferenceV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { foldGeneration } from '../handlers/generation';
import { LexiconHapScorer } from './hap/lexicon-scorer';
import { maskSpans } from './mask';
import { moderatedGeneration, type ModerationDeps } from './moderated-generation';
import { MAX_HOLD_CHARS } from './output-holdback';
import { moderationPolicy } from './policy';

type Result = inferenceV1.GenerationResult;
const S = inferenceV1.StopReason;

const signal = new AbortController().signal;
const deps: ModerationDeps = { scorer: new LexiconHapScorer(), countInputTokens: async () => 7 };

/** A model's stream as the generation handler yields it: the pieces, then the last one with the stop reason. */
function modelStream(pieces: string[], calls: { n: number } = { n: 0 }) {
  return async function* (): AsyncGenerator<Result> {
    calls.n++;
    for (const [i, text] of pieces.entries()) {
      const last = i === pieces.length - 1;
      yield {
        inputTokens: [],
        generatedText: text,
        generatedTokenCount: i + 1,
        inputTokenCount: 3,
        stopReason: '',
        stop: last ? S.STOP_REASON_EOS_TOKEN : S.STOP_REASON_NOT_FINISHED,
        generatedTokens: [],
        inputText: '',
        moderations: undefined,
        warnings: [],
      };
    }
  };
}

async function collect(gen: AsyncGenerator<Result>): Promise<Result[]> {
  const out: Result[] = [];
  for await (const r of gen) out.push(r);
  return out;
}

const PII_OUT: inferenceV1.Moderations = {
  hap: undefined,
  pii: { input: undefined, output: { enabled: true }, mask: { removeEntityValue: true } },
  inputRanges: [],
};

describe('policy', () => {
  it('is off without moderations or with everything disabled', () => {
    expect(moderationPolicy(undefined)).toBeUndefined();
    expect(
      moderationPolicy({ hap: { input: { enabled: false }, output: undefined, mask: undefined }, pii: undefined, inputRanges: [] }),
    ).toBeUndefined();
  });
  it('defaults enabled to true and the thresholds to 0.5 (HAP) and 0.4 (PII)', () => {
    const p = moderationPolicy({
      hap: { input: {}, output: { threshold: 0.8 }, mask: undefined },
      pii: { input: undefined, output: {}, mask: { removeEntityValue: true } },
      inputRanges: [],
    });
    expect(p).toEqual({
      hap: { input: { threshold: 0.5 }, output: { threshold: 0.8 }, mask: false },
      pii: { input: undefined, output: { threshold: 0.4 }, mask: true },
      inputRanges: [],
    });
  });
});

describe('masking', () => {
  it('replaces spans by * of the same length, positions taken from an offset', () => {
    expect(maskSpans('mail a@b.io now', [{ start: 5, end: 11 }])).toBe('mail ****** now');
    expect(maskSpans('a@b.io', [{ start: 105, end: 111 }], 105)).toBe('******');
  });
});

describe('input moderation', () => {
  it('does not call the model and answers as watsonx does for unsuitable input', async () => {
    const calls = { n: 0 };
    const moderations: inferenceV1.Moderations = {
      hap: { input: { enabled: true }, output: undefined, mask: undefined },
      pii: undefined,
      inputRanges: [],
    };
    const out = await collect(
      moderatedGeneration({ input: 'Fine start. You are a moron!', moderations }, deps, signal, modelStream(['x'], calls)),
    );
    expect(calls.n).toBe(0);
    expect(out).toEqual([
      {
        generatedText: '',
        generatedTokenCount: 0,
        inputTokenCount: 7,
        stopReason: '',
        stop: S.STOP_REASON_UNSPECIFIED,
        generatedTokens: [],
        inputTokens: [],
        inputText: '',
        moderations: {
          hap: [{ score: 0.6, input: true, position: { start: 12, end: 28 }, entity: 'has_HAP', word: 'You are a moron!' }],
          pii: [],
        },
        warnings: [{ id: 'UNSUITABLE_INPUT', message: expect.stringContaining('Unsuitable input detected') }],
      },
    ]);
  });
  it('rejects PII in the input, and honours thresholds and input_ranges', async () => {
    const pii = (threshold?: number, inputRanges: inferenceV1.TextRange[] = []): inferenceV1.Moderations => ({
      hap: undefined,
      pii: { input: { enabled: true, threshold }, output: undefined, mask: undefined },
      inputRanges,
    });
    const input = 'Reply to foo.bar@ibm.com about it';
    const hit = await foldGeneration(moderatedGeneration({ input, moderations: pii() }, deps, signal, modelStream(['x'])));
    expect(hit.moderations?.pii).toEqual([{ score: 1, input: true, position: { start: 9, end: 24 }, entity: 'EmailAddress', word: '' }]);
    // The phone number scores 0.75 with "call" before it: under a threshold of 0.8 nothing fires and the model runs.
    const calls = { n: 0 };
    const passed = await foldGeneration(
      moderatedGeneration({ input: 'call 212-555-0199', moderations: pii(0.8) }, deps, signal, modelStream(['ok'], calls)),
    );
    expect(calls.n).toBe(1);
    expect(passed).toMatchObject({ generatedText: 'ok', stop: S.STOP_REASON_EOS_TOKEN, warnings: [] });
    // The email lies outside the range that is checked.
    const ranged = await foldGeneration(
      moderatedGeneration({ input, moderations: pii(undefined, [{ start: 0, end: 8 }]) }, deps, signal, modelStream(['ok'])),
    );
    expect(ranged.generatedText).toBe('ok');
  });
});

describe('output moderation', () => {
  const text = 'c/o USPS, or call 1-800-275-8777. You can also send an email to foo.bar@usps.com. Bye.';

  it("masks detected entities with * of the same length, as in the seed's example", async () => {
    const r = await foldGeneration(moderatedGeneration({ input: 'q', moderations: PII_OUT }, deps, signal, modelStream([text])));
    expect(r.generatedText).toBe('c/o USPS, or call **************. You can also send an email to ****************. Bye.');
    expect(r.moderations?.pii).toEqual([
      { score: 0.75, input: false, position: { start: 18, end: 32 }, entity: 'PhoneNumber', word: '' },
      { score: 1, input: false, position: { start: 64, end: 80 }, entity: 'EmailAddress', word: '' },
    ]);
    expect(r.stop).toBe(S.STOP_REASON_EOS_TOKEN);
  });

  it('flags without masking unless remove_entity_value is set', async () => {
    const flagOnly: inferenceV1.Moderations = { ...PII_OUT, pii: { input: undefined, output: {}, mask: undefined } };
    const r = await foldGeneration(moderatedGeneration({ input: 'q', moderations: flagOnly }, deps, signal, modelStream([text])));
    expect(r.generatedText).toBe(text);
    expect(r.moderations?.pii).toHaveLength(2);
  });

  it('streams whole sentences: an email split over chunks is still found, and positions are over the whole text', async () => {
    // Tokens cut the email and the phone number in pieces; the dot in "foo." is not a sentence end.
    const pieces = ['c/o USPS, or call 1-800-', '275-8777. You can al', 'so send an email to foo.', 'bar@usps', '.com. Bye', '.'];
    const out = await collect(moderatedGeneration({ input: 'q', moderations: PII_OUT }, deps, signal, modelStream(pieces)));
    expect(out.map((r) => r.generatedText)).toEqual([
      'c/o USPS, or call **************.',
      ' You can also send an email to ****************.',
      ' Bye.',
    ]);
    expect(out.map((r) => r.stop)).toEqual([S.STOP_REASON_NOT_FINISHED, S.STOP_REASON_NOT_FINISHED, S.STOP_REASON_EOS_TOKEN]);
    // Each event carries the running count of the last chunk it took in.
    expect(out.map((r) => r.generatedTokenCount)).toEqual([2, 5, 6]);
    expect(out[1].moderations?.pii[0].position).toEqual({ start: 64, end: 80 });
    const unary = await foldGeneration(moderatedGeneration({ input: 'q', moderations: PII_OUT }, deps, signal, modelStream(pieces)));
    expect(out.map((r) => r.generatedText).join('')).toBe(unary.generatedText);
    expect(unary.moderations?.pii).toEqual(out.flatMap((r) => r.moderations?.pii ?? []));
  });

  it('masks generated_tokens like the text, and holds back tokens whose text is not yet checked', async () => {
    const pieces = ['Mail foo', '.bar@usps', '.com now. Bye', '.'];
    const withTokens = async function* (): AsyncGenerator<Result> {
      for (const [i, text] of pieces.entries()) {
        const last = i === pieces.length - 1;
        yield {
          inputTokens: [],
          generatedText: text,
          generatedTokenCount: i + 1,
          inputTokenCount: 3,
          stopReason: '',
          stop: last ? S.STOP_REASON_EOS_TOKEN : S.STOP_REASON_NOT_FINISHED,
          generatedTokens: [{ text, topTokens: [] }],
          inputText: '',
          moderations: undefined,
          warnings: [],
        };
      }
    };
    const out = await collect(moderatedGeneration({ input: 'q', moderations: PII_OUT }, deps, signal, withTokens));
    const tokenTexts = out.map((r) => r.generatedTokens.map((t) => t.text));
    // "Mail foo.bar@usps.com now." is released first; the token ".com now. Bye" straddles the cut and waits.
    expect(out.map((r) => r.generatedText)).toEqual(['Mail **************** now.', ' Bye.']);
    expect(tokenTexts).toEqual([
      ['Mail ***', '*********'],
      ['**** now. Bye', '.'],
    ]);
    expect(JSON.stringify(out)).not.toContain('usps');
  });

  it('flags and masks HAP per sentence with its threshold', async () => {
    const hap = (threshold: number): inferenceV1.Moderations => ({
      hap: { input: undefined, output: { threshold }, mask: { removeEntityValue: true } },
      pii: undefined,
      inputRanges: [],
    });
    const r = await foldGeneration(
      moderatedGeneration({ input: 'q', moderations: hap(0.5) }, deps, signal, modelStream(['All good. ', 'What a damn idiot', '! Fine.'])),
    );
    expect(r.generatedText).toBe('All good. ****************** Fine.');
    expect(r.moderations?.hap).toEqual([
      { score: 0.78, input: false, position: { start: 10, end: 28 }, entity: 'has_HAP', word: 'What a damn idiot!' },
    ]);
    const lenient = await foldGeneration(
      moderatedGeneration({ input: 'q', moderations: hap(0.9) }, deps, signal, modelStream(['What a damn idiot!'])),
    );
    expect(lenient.moderations?.hap).toEqual([]);
  });

  it('releases text without a sentence end once the hold limit is reached', async () => {
    const words = Array.from({ length: MAX_HOLD_CHARS / 5 + 10 }, () => 'word ').join('');
    const out = await collect(moderatedGeneration({ input: 'q', moderations: PII_OUT }, deps, signal, modelStream([words, 'end'])));
    expect(out).toHaveLength(2);
    expect(out[0].stop).toBe(S.STOP_REASON_NOT_FINISHED);
    expect(out.map((r) => r.generatedText).join('')).toBe(`${words}end`);
  });

  it('fails closed when the HAP scorer fails: an error before any text, stop_reason error after some', async () => {
    let calls = 0;
    const flaky: ModerationDeps = {
      ...deps,
      scorer: {
        score: async (sentences) => {
          if (++calls > 1) throw new Error('classifier down');
          return sentences.map(() => 0);
        },
      },
    };
    const hap: inferenceV1.Moderations = { hap: { input: undefined, output: {}, mask: undefined }, pii: undefined, inputRanges: [] };
    const out = await collect(
      moderatedGeneration({ input: 'q', moderations: hap }, flaky, signal, modelStream(['One. ', 'Two. ', 'Three.'])),
    );
    expect(out.map((r) => [r.generatedText, r.stop])).toEqual([
      ['One.', S.STOP_REASON_NOT_FINISHED],
      ['', S.STOP_REASON_ERROR],
    ]);
    calls = 1;
    await expect(collect(moderatedGeneration({ input: 'q', moderations: hap }, flaky, signal, modelStream(['One.'])))).rejects.toThrow(
      /classifier down/,
    );
  });

  it('passes the stream through untouched without moderations', async () => {
    const out = await collect(moderatedGeneration({ input: 'q', moderations: undefined }, deps, signal, modelStream(['a', 'b'])));
    expect(out.map((r) => r.generatedText)).toEqual(['a', 'b']);
  });
});
