import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { type ServedModel, createServedModel, readSafetensors } from '@platform/engine';
import { writeTinyModel } from '@platform/engine/internals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineServer, buildEngineServer } from '../server';
import { postJson } from '../testing/harness';

/** Three tiny models: plain, matryoshka with any prefix, matryoshka with listed sizes (config.json as HF writes it). */
describe('embeddings dimensions and model parameter counts', () => {
  let root: string;
  let models: ServedModel[];
  let server: EngineServer;
  let url: string;
  let client: OpenAI;

  const modelDir = (name: string, extra: Record<string, unknown>): string => {
    const dir = join(root, name);
    writeTinyModel(dir, { hiddenSize: 32 });
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, ...extra }));
    return dir;
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'engine-dimensions-'));
    models = await Promise.all([
      createServedModel(modelDir('plain', {}), { threads: 1, id: 'plain' }),
      createServedModel(modelDir('any', { is_matryoshka: true }), { threads: 1, id: 'any' }),
      createServedModel(modelDir('listed', { matryoshka_dimensions: [8, 16] }), { threads: 1, id: 'listed' }),
    ]);
    server = buildEngineServer(models);
    url = await server.listen(0);
    client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await server?.shutdown(1000);
    await Promise.all((models ?? []).map((m) => m.close()));
    rmSync(root, { recursive: true, force: true });
  });

  const embed = (model: string, dimensions?: number) =>
    client.embeddings.create({ model, input: ['hello', 'world'], encoding_format: 'float', dimensions });

  it("shortens a matryoshka model's vectors to their first values, renormalised", async () => {
    const full = await embed('any');
    const short = await embed('any', 5);
    short.data.forEach((d, i) => {
      expect(d.embedding).toHaveLength(5);
      expect(Math.hypot(...d.embedding)).toBeCloseTo(1, 5);
      const head = full.data[i].embedding.slice(0, 5);
      const norm = Math.hypot(...head);
      d.embedding.forEach((v, k) => expect(v).toBeCloseTo(head[k] / norm, 5));
    });
    // base64 (the client's default) carries the same shortened vector.
    const b64 = await client.embeddings.create({ model: 'any', input: 'hello', dimensions: 5 });
    b64.data[0].embedding.forEach((v, k) => expect(v).toBeCloseTo(short.data[0].embedding[k], 5));
    expect((await embed('any', 32)).data[0].embedding).toHaveLength(32);
    expect((await embed('listed', 16)).data[0].embedding).toHaveLength(16);
  });

  it.each([
    ['plain', 32, 'Model "plain" does not support matryoshka representation, changing output dimensions will lead to poor results.'],
    ['plain', 4, 'Model "plain" does not support matryoshka representation, changing output dimensions will lead to poor results.'],
    ['listed', 12, 'Model "listed" only supports [8, 16] matryoshka dimensions, use other output dimensions will lead to poor results.'],
    ['any', 0, 'Dimensions must be greater than 0'],
    ['any', 33, "dimensions must be at most 32, the model's embedding size, got 33."],
  ])('refuses dimensions on %s: %i', async (model, dimensions, message) => {
    const res = await postJson(`${url}/v1/embeddings`, { model, input: 'hello', dimensions });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { message, type: 'BadRequestError', param: 'dimensions', code: 400 } });
  });

  it('lists each model with its parameter count, the number of weights in its checkpoint', async () => {
    const list = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string; parameter_count: number }[] };
    const weights = [...readSafetensors(join(root, 'plain', 'model.safetensors')).values()].reduce((n, t) => n + t.data.length, 0);
    expect(list.data.map((m) => m.parameter_count)).toEqual([weights, weights, weights]);
    expect(weights).toBeGreaterThan(0);
  });
});
