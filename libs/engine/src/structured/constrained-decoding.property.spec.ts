import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConstraintSpec, type FinishReason, InvalidConstraintError, type ServedModel } from '../contract';
import { writeSafetensors } from '../safetensors';
import { createServedModel } from '../served-model';
import { randomTensors, writeRandomModel } from '../testing/random-model';
import { writeTinyModel } from '../testing/tiny-model';
import { choicesArb } from './property/choice-arbitrary';
import { Earley } from './property/earley';
import { toCfg } from './property/expr';
import { grammarArb } from './property/grammar-arbitrary';
import { topLevelSchemaArb } from './property/json-schema-arbitrary';
import { regexArb } from './property/regex-arbitrary';
import { renderEbnf, renderRegex } from './property/render';

/**
 * The property the issue asks of constrained decoding: for random JSON Schemas, regexes, grammars and choice lists,
 * every completion the tiny models produce under the constraint is valid. Each case runs on two tiny random models
 * with different vocabularies (byte-level with the multi-character tool-tag tokens; SentencePiece with byte fallback,
 * merges and `▁` words) at temperature 1 with the case's seed. A completion that ends with 'stop' must be valid,
 * checked without xgrammar (ajv; the test's own Earley recognizer and JavaScript's RegExp, both built from the case's
 * tree; the list); one cut by 'length' must be a prefix of a valid output where that is cheap to know (regexes,
 * grammars, choices). A spec the engine refuses must be refused as InvalidConstraintError (a 400); refusals are
 * counted and printed, not hidden. fast-check shrinks a failing case to a small one; the run is seeded.
 */

const SEED = 12_2026;
const RUNS = { json: 500, jsonObject: 100, regex: 600, grammar: 500, choice: 300 };
const MAX_TOKENS = { json: 256, regex: 96, grammar: 96, choice: 64 };

interface Tiny {
  name: string;
  model: ServedModel;
  /** For JSON: whitespace a little less likely and `"` more, so unbounded strings and indentation end in budget. */
  jsonBias: Map<number, number>;
}

const root = mkdtempSync(join(tmpdir(), 'constrained-property-'));
let models: Tiny[] = [];

/**
 * The byte-level tiny model with untied random weights: writeTinyModel's own weights make it all but greedy (it
 * repeats its last token, and would loop on whitespace inside JSON), so its vocabulary gets the random model's
 * weights instead, under which temperature 1 samples widely, high bytes included.
 */
function writeByteLevelModel(dir: string): void {
  const config = { ...writeTinyModel(dir, { chatTemplate: 'hermes-tools' }), tie_word_embeddings: false };
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama', ...config }));
  writeSafetensors(join(dir, 'model.safetensors'), randomTensors(config, 5));
}

function jsonBias(model: ServedModel): Map<number, number> {
  const anchor = model.encode('x', false).at(-1) ?? 0;
  const before = model.decode([anchor]);
  const bias = new Map<number, number>();
  for (let id = 0; id < model.config.vocab_size; id++) {
    const text = model.decode([anchor, id]).slice(before.length);
    if (text === '"') bias.set(id, 4);
    else if (text.length > 0 && text.trim() === '') bias.set(id, -3);
  }
  return bias;
}

beforeAll(async () => {
  writeByteLevelModel(join(root, 'bytes'));
  writeRandomModel(join(root, 'sentencepiece'), { vocab: 300, hidden: 32, layers: 1, heads: 4, kvHeads: 2, seed: 7 });
  models = await Promise.all(
    ['bytes', 'sentencepiece'].map(async (name) => {
      const model = await createServedModel(join(root, name), { threads: 1, maxNumSeqs: 8 });
      return { name, model, jsonBias: jsonBias(model) };
    }),
  );
});

afterAll(async () => {
  await Promise.all(models.map((m) => m.model.close()));
  rmSync(root, { recursive: true, force: true });
});

const PROMPTS = ['', 'Answer:', 'The weather in Paris is', '{"a": [1, 2], "b": "x"}', 'x = (1 + 2) * 3'];

interface Completion {
  model: string;
  text: string;
  finish: FinishReason;
}

interface Tally {
  stop: number;
  length: number;
  refused: number;
  examples: string[];
}
const tally = new Map<string, Tally>();
const count = (kind: string): Tally => {
  let t = tally.get(kind);
  if (!t) tally.set(kind, (t = { stop: 0, length: 0, refused: 0, examples: [] }));
  return t;
};

/** Runs one spec on every tiny model; the completions of the models that did not refuse it. */
async function complete(kind: keyof typeof MAX_TOKENS, spec: ConstraintSpec, seed: number, prompt: string): Promise<Completion[]> {
  const outputs = await Promise.all(
    models.map(async ({ name, model, jsonBias }): Promise<Completion | null> => {
      let constraint;
      try {
        constraint = await model.createConstraint(spec);
      } catch (e) {
        expect(e, `${name} refused ${JSON.stringify(spec)} with ${String(e)}`).toBeInstanceOf(InvalidConstraintError);
        const t = count(kind);
        t.refused++;
        if (t.examples.length < 3) t.examples.push(`${JSON.stringify(spec).slice(0, 300)}: ${(e as Error).message.slice(0, 200)}`);
        return null;
      }
      let text = '';
      let finish: FinishReason | undefined;
      const logitBias = kind === 'json' ? jsonBias : undefined;
      for await (const ev of model.generate({
        promptTokenIds: model.encode(prompt),
        params: { maxTokens: MAX_TOKENS[kind], temperature: 1, seed, constraint, logitBias },
      })) {
        text += ev.text;
        finish = ev.finishReason ?? finish;
      }
      if (finish !== 'stop' && finish !== 'length') throw new Error(`${name} ended with ${String(finish)}`);
      count(kind)[finish]++;
      return { model: name, text, finish };
    }),
  );
  return outputs.filter((c): c is Completion => c !== null);
}

/** Most completions must finish within their budget, or the property would be about cut outputs only. */
function expectMostFinished(kind: string): void {
  const t = count(kind);
  const summary = `${kind}: ${t.stop} stopped, ${t.length} cut by max_tokens, ${t.refused} refused`;
  console.info(`constrained decoding property, ${summary}${t.examples.map((e) => `\n  refused: ${e}`).join('')}`);
  expect(t.stop, summary).toBeGreaterThan(4 * t.length);
}

const describeOutput = (c: Completion): string => `${c.model} (${c.finish}): ${JSON.stringify(c.text)}`;

/**
 * A completion cut by 'length' may end inside a multi-byte character, which decodes as U+FFFD: once (byte-level), or
 * once per byte of the whole trailing run of byte tokens (byte fallback, as HF decodes an invalid run). What precedes
 * must still be a prefix of a valid output.
 */
const withoutCutCharacter = (text: string): string => text.replace(/\uFFFD+$/u, '');

const caseArb = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<{ value: T; seed: number; prompt: string }> =>
  fc.record({ value: arb, seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }), prompt: fc.constantFrom(...PROMPTS) });

const options = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns });

describe('constrained decoding on tiny models: every completion is valid', () => {
  it('JSON Schema: a stopped completion parses and validates (ajv, draft 2020-12)', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb(topLevelSchemaArb), async ({ value: schema, seed, prompt }) => {
        // One ajv per schema: a long-lived instance was seen to reject a valid `enum: [{}]` after many compiles.
        const ajv = new Ajv2020({
          strict: true,
          strictTuples: false,
          allowUnionTypes: true,
          strictNumbers: false,
          meta: false,
          validateSchema: false,
        });
        // ajv checks the document the engine was given (its JSON text): fast-check builds some objects without a
        // prototype, which ajv's equality for enum/const then tells apart from the `{}` JSON.parse makes.
        const text = JSON.stringify(schema);
        const validate = ajv.compile(JSON.parse(text) as object);
        const outputs = await complete('json', { kind: 'json_schema', schema: text }, seed, prompt);
        for (const c of outputs) {
          if (c.finish !== 'stop') continue;
          let parsed: unknown;
          expect(() => (parsed = JSON.parse(c.text)), `${JSON.stringify(schema)} → ${describeOutput(c)}`).not.toThrow();
          expect(validate(parsed), `${JSON.stringify(schema)} → ${describeOutput(c)}: ${ajv.errorsText(validate.errors)}`).toBe(true);
        }
      }),
      options(RUNS.json),
    );
    expectMostFinished('json');
  });

  it('JSON object mode: a stopped completion parses to an object', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb(fc.constant(null)), async ({ seed, prompt }) => {
        for (const c of await complete('json', { kind: 'json_object' }, seed, prompt)) {
          if (c.finish !== 'stop') continue;
          let parsed: unknown;
          expect(() => (parsed = JSON.parse(c.text)), describeOutput(c)).not.toThrow();
          expect(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed), describeOutput(c)).toBe(true);
        }
      }),
      options(RUNS.jsonObject),
    );
  });

  it('regex: a stopped completion matches the whole pattern, a cut one is a prefix of a match', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb(regexArb), async ({ value: re, seed, prompt }) => {
        const pattern = renderRegex(re);
        const recognizer = new Earley(toCfg([re]));
        const regexp = new RegExp(`^(?:${pattern})$`, 'u');
        for (const c of await complete('regex', { kind: 'regex', pattern }, seed, prompt)) {
          const what = `/${pattern}/ → ${describeOutput(c)}`;
          if (c.finish === 'stop') {
            // The recognizer first: RegExp can backtrack for a very long time on a string it rejects.
            expect(recognizer.run(c.text).complete, what).toBe(true);
            expect(regexp.test(c.text), what).toBe(true);
          } else expect(recognizer.run(withoutCutCharacter(c.text)).viable, what).toBe(true);
        }
      }),
      options(RUNS.regex),
    );
    expectMostFinished('regex');
  });

  it('grammar: a stopped completion is in the language, a cut one is a prefix of a sentence', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb(grammarArb), async ({ value: rules, seed, prompt }) => {
        const grammar = renderEbnf(rules);
        const recognizer = new Earley(toCfg(rules));
        for (const c of await complete('grammar', { kind: 'grammar', grammar }, seed, prompt)) {
          const what = `${grammar}→ ${describeOutput(c)}`;
          if (c.finish === 'stop') expect(recognizer.run(c.text).complete, what).toBe(true);
          else expect(recognizer.run(withoutCutCharacter(c.text)).viable, what).toBe(true);
        }
      }),
      options(RUNS.grammar),
    );
    expectMostFinished('grammar');
  });

  it('choice: a stopped completion is one of the choices, a cut one a prefix of one', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb(choicesArb), async ({ value: choices, seed, prompt }) => {
        for (const c of await complete('choice', { kind: 'choice', choices }, seed, prompt)) {
          const what = `${JSON.stringify(choices)} → ${describeOutput(c)}`;
          if (c.finish === 'stop') expect(choices, what).toContain(c.text);
          else
            expect(
              choices.some((s) => s.startsWith(withoutCutCharacter(c.text))),
              what,
            ).toBe(true);
        }
      }),
      options(RUNS.choice),
    );
    expectMostFinished('choice');
  });
});
