import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConstraintSpec, type FinishReason, InvalidConstraintError, type ServedModel } from '../../contract';
import { writeSafetensors } from '../../safetensors';
import { createServedModel } from '../../served-model';
import { randomTensors, writeRandomModel } from '../../testing/random-model';
import { writeTinyModel } from '../../testing/tiny-model';
import { MAX_INDENT } from './converter';

/**
 * JSON Schema and JSON mode through ServedModel on the tiny random models, at temperature 1 without any logit bias
 * (the e2e tests ban whitespace with one; Llama Stack cannot): every completion that stops parses and validates with
 * ajv, and most stop, because whitespace between tokens is bounded. Byte-level model with untied random weights (it
 * samples widely, high bytes included) and a SentencePiece one with byte fallback.
 */

const root = mkdtempSync(join(tmpdir(), 'served-json-'));
const models: { name: string; model: ServedModel }[] = [];

beforeAll(async () => {
  const bytesDir = join(root, 'bytes');
  const config = { ...writeTinyModel(bytesDir, { chatTemplate: 'hermes-tools' }), tie_word_embeddings: false };
  writeFileSync(join(bytesDir, 'config.json'), JSON.stringify({ architectures: ['LlamaForCausalLM'], model_type: 'llama', ...config }));
  writeSafetensors(join(bytesDir, 'model.safetensors'), randomTensors(config, 5));
  writeRandomModel(join(root, 'sp'), { vocab: 300, hidden: 32, layers: 1, heads: 4, kvHeads: 2, seed: 7 });
  for (const name of ['bytes', 'sp'])
    models.push({ name, model: await createServedModel(join(root, name), { threads: 1, maxNumSeqs: 8 }) });
});

afterAll(async () => {
  await Promise.all(models.map((m) => m.model.close()));
  rmSync(root, { recursive: true, force: true });
});

interface Completion {
  model: string;
  text: string;
  finish: FinishReason;
}

async function complete(spec: ConstraintSpec, seeds: number, maxTokens = 192): Promise<Completion[]> {
  const out: Completion[] = [];
  for (const { name, model } of models)
    await Promise.all(
      Array.from({ length: seeds }, async (_, seed) => {
        const constraint = await model.createConstraint(spec);
        let text = '';
        let finish: FinishReason = 'abort';
        for await (const ev of model.generate({
          promptTokenIds: model.encode('Answer:'),
          params: { maxTokens, temperature: 1, seed, constraint },
        })) {
          text += ev.text;
          finish = ev.finishReason ?? finish;
        }
        out.push({ model: name, text, finish });
      }),
    );
  return out;
}

/** Stopped completions validate; at least three quarters stop. */
function expectValid(schema: object, outs: Completion[]): void {
  const ajv = new Ajv2020({ strict: false, allowUnionTypes: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  const stopped = outs.filter((o) => o.finish === 'stop');
  for (const o of stopped) {
    const what = `${JSON.stringify(schema)} → ${o.model}: ${JSON.stringify(o.text)}`;
    let value: unknown;
    expect(() => (value = JSON.parse(o.text)), what).not.toThrow();
    expect(validate(value), `${what}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  }
  expect(stopped.length, JSON.stringify(outs.filter((o) => o.finish !== 'stop').map((o) => o.text))).toBeGreaterThanOrEqual(
    Math.ceil((outs.length * 3) / 4),
  );
}

/** The whitespace runs outside strings. */
function gaps(text: string): string[] {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, '""').match(/[ \t\n\r]+/g) ?? [];
}

const SCHEMAS: Record<string, object> = {
  'B8: a type list with maxLength': { type: 'object', properties: { s: { type: ['string', 'null'], maxLength: 4 } }, required: ['s'] },
  'B9, C1: property names that need escaping': {
    type: 'object',
    properties: { '_\t': { type: 'boolean' }, 'q"\\': { type: 'null' }, é: { type: 'integer', minimum: 0, maximum: 9 } },
    required: ['_\t', 'q"\\'],
  },
  'B10: fractional bounds': {
    type: 'object',
    properties: {
      a: { type: 'number', maximum: 0.5 },
      b: { type: 'number', minimum: 2.75, maximum: 3.25 },
      c: { type: 'number', exclusiveMinimum: 2.75, exclusiveMaximum: 3 },
    },
    required: ['a', 'b', 'c'],
  },
  'B11: integer bounds': {
    type: 'array',
    prefixItems: [
      { type: 'integer', minimum: 77555, exclusiveMaximum: 77562 },
      { type: 'integer', minimum: -4, maximum: 4 },
      { type: 'integer', exclusiveMinimum: -13716, exclusiveMaximum: -12518 },
    ],
    minItems: 3,
  },
  'enum, const and oneOf': {
    type: 'object',
    properties: {
      e: { enum: ['a"b', 1.5, null, { k: [1] }] },
      c: { const: 'fixed' },
      u: { oneOf: [{ type: 'object', properties: { kind: { const: 'x' } }, required: ['kind'] }, { type: 'boolean' }] },
    },
    required: ['e', 'c', 'u'],
  },
  'nested arrays and optional properties': {
    type: 'object',
    properties: {
      tags: { type: 'array', items: { type: 'string', maxLength: 3 }, maxItems: 3 },
      n: { type: 'integer', minimum: 0, maximum: 99 },
      flag: { type: 'boolean' },
    },
    required: ['flag'],
  },
  'patterns (B12)': {
    type: 'object',
    properties: { code: { type: 'string', pattern: '^[A-Z]{2}-\\d{3}$' }, note: { type: 'string', pattern: '^\\S{0,6}$' } },
    required: ['code', 'note'],
  },
  'formats and $ref': {
    $defs: { day: { type: 'string', format: 'date' } },
    type: 'object',
    properties: { from: { $ref: '#/$defs/day' }, to: { $ref: '#/$defs/day' }, id: { type: 'string', format: 'uuid' } },
    required: ['from', 'to', 'id'],
  },
};

describe('JSON Schema outputs through ServedModel, no logit bias', () => {
  it.each(Object.entries(SCHEMAS))('%s: stopped outputs parse and validate (ajv), most stop', async (_name, schema) => {
    expectValid(schema, await complete({ kind: 'json_schema', schema: JSON.stringify(schema) }, 8));
  });

  it('JSON mode: objects, whitespace gaps within the bound', async () => {
    const outs = await complete({ kind: 'json_object' }, 8, 256);
    expectValid({ type: 'object' }, outs);
    for (const o of outs) for (const gap of gaps(o.text)) expect(gap.length, JSON.stringify(o.text)).toBeLessThanOrEqual(MAX_INDENT + 1);
  });

  it('disableAnyWhitespace: no whitespace outside strings', async () => {
    const schema = SCHEMAS['nested arrays and optional properties'];
    const outs = await complete({ kind: 'json_schema', schema: JSON.stringify(schema), disableAnyWhitespace: true }, 8);
    expectValid(schema, outs);
    const stopped = (cs: Completion[]): Completion[] => cs.filter((c) => c.finish === 'stop');
    for (const o of stopped(outs)) expect(gaps(o.text), o.text).toEqual([]);
    const objects = await complete({ kind: 'json_object', disableAnyWhitespace: true }, 8, 256);
    expect(stopped(objects).length).toBeGreaterThan(0);
    for (const o of stopped(objects)) expect(gaps(o.text), o.text).toEqual([]);
  });

  it('a structural tag whose part is a JSON schema follows our grammar', async () => {
    const schema = { type: 'object', properties: { n: { type: 'integer', minimum: 10, maximum: 12 } }, required: ['n'] };
    const tag = {
      type: 'structural_tag',
      format: { type: 'tag', begin: '<n>', content: { type: 'json_schema', json_schema: schema }, end: '</n>' },
    };
    const outs = await complete({ kind: 'structural_tag', tag: JSON.stringify(tag) }, 6);
    const inner = outs.map((o) => ({
      ...o,
      text: o.finish === 'stop' ? (/^<n>([\s\S]*)<\/n>$/.exec(o.text)?.[1] ?? `not in the tag: ${o.text}`) : o.text,
    }));
    expectValid(schema, inner);
    const compact = await complete({ kind: 'structural_tag', tag: JSON.stringify(tag), disableAnyWhitespace: true }, 4);
    for (const o of compact.filter((c) => c.finish === 'stop')) expect(o.text).toMatch(/^<n>\{"n":1[0-2]\}<\/n>$/);
  });

  it('a schema the converter refuses is an InvalidConstraintError naming the keyword and where it is', async () => {
    const spec: ConstraintSpec = { kind: 'json_schema', schema: JSON.stringify({ type: 'object', properties: { a: { not: {} } } }) };
    const err = await models[0].model.createConstraint(spec).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidConstraintError);
    expect((err as Error).message).toMatch(/^invalid JSON schema: not is not supported \(.*\) at #\/properties\/a$/);
  });
});
