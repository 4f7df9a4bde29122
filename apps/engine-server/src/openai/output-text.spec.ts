import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { type ServedModel, createServedModel } from '@platform/engine';
import { writeRandomModel } from '@platform/engine/internals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineServer, buildEngineServer } from '../server';
import { postJson, sseData } from '../testing/harness';

/**
 * The text of a choice on a SentencePiece-style model, whose tokenizer strips the first space of a decoded text: as
 * vLLM answers, a completion of `▁the` tokens starts with its space, whether special tokens are skipped or kept.
 */
describe('choice text on a SentencePiece model', () => {
  let root: string;
  let model: ServedModel;
  let server: EngineServer;
  let url: string;
  let client: OpenAI;
  let the: number; // ▁the
  let imStart: number; // <|im_start|>, a special token

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'engine-output-text-'));
    writeRandomModel(join(root, 'sp'), { vocab: 300, hidden: 32, layers: 1, heads: 4, kvHeads: 2, seed: 7 });
    model = await createServedModel(join(root, 'sp'), { threads: 1, id: 'sp' });
    server = buildEngineServer([model]);
    url = await server.listen(0);
    client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    the = model.encode('the', false)[0];
    imStart = model.encode('<|im_start|>', false)[0];
  });
  afterAll(async () => {
    await server?.shutdown(1000);
    await model?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const forceThe = (): Record<string, number> => ({ [the]: 100 });

  it('keeps the leading space on completions and chat, unary and streamed, with skip_special_tokens either way', async () => {
    for (const skip of [true, false]) {
      const body = {
        model: 'sp',
        prompt: 'in the beginning',
        max_tokens: 3,
        temperature: 0,
        logit_bias: forceThe(),
        skip_special_tokens: skip,
      };
      const unary = await postJson(`${url}/v1/completions`, body);
      expect(unary.status).toBe(200);
      expect((unary.body as { choices: { text: string }[] }).choices[0].text).toBe(' the the the');
      const streamed = await postJson(`${url}/v1/completions`, { ...body, stream: true });
      const chunks = sseData(streamed.text)
        .filter((d) => d !== '[DONE]')
        .map((d) => (JSON.parse(d) as { choices: { text: string }[] }).choices[0]?.text ?? '');
      expect(chunks.join('')).toBe(' the the the');
    }
    const chat = await client.chat.completions.create({
      model: 'sp',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 3,
      temperature: 0,
      logit_bias: forceThe(),
    });
    expect(chat.choices[0].message.content).toBe(' the the the');
  });

  it('keeps special tokens with skip_special_tokens false, and trims a stop string found in that text', async () => {
    const body = { model: 'sp', prompt: 'hello there', max_tokens: 4, temperature: 0, logit_bias: { [imStart]: 100 } };
    const text = async (extra: Record<string, unknown>): Promise<{ text: string; stop_reason: unknown }> =>
      ((await postJson(`${url}/v1/completions`, { ...body, ...extra })).body as { choices: { text: string; stop_reason: unknown }[] })
        .choices[0];
    expect((await text({})).text).toBe('');
    expect((await text({ skip_special_tokens: false })).text).toBe('<|im_start|>'.repeat(4));
    expect(await text({ skip_special_tokens: false, stop: ['><'] })).toEqual(
      expect.objectContaining({ text: '<|im_start|', stop_reason: '><' }),
    );
  });
});
