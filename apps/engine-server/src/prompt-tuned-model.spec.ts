import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServedModel, createServedModel, training, verbalizePrompt } from '@platform/engine';
import { writeTinyModel } from '@platform/engine/internals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineServer, buildEngineServer } from './server';
import { postJson } from './testing/harness';

const VERBALIZER = 'Input: {{input}} Output:';
const records = [
  { input: 'sky', output: ' blue' },
  { input: 'grass', output: ' green' },
  { input: 'snow', output: ' white' },
];

/**
 * A model directory written by the engine's prompt tuning (base weights + prompt_tuning.safetensors +
 * tuning_config.json) behind a real server: text prompts are verbalized and the soft prompt leads every sequence,
 * so the server's greedy completion is the one the training forward gives for verbalizer(prompt) with the soft prompt.
 */
describe('engine server on a prompt-tuned model', () => {
  let root: string;
  let dir: string;
  let model: ServedModel;
  let server: EngineServer;
  let url: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'engine-server-pt-'));
    writeTinyModel(join(root, 'base'));
    const r = await training.train({
      modelDir: join(root, 'base'),
      records,
      outputDir: join(root, 'out'),
      mode: 'prompt_tuning',
      numVirtualTokens: 4,
      initText: 'Answer with a colour',
      verbalizer: VERBALIZER,
      epochs: 2,
      batchSize: 3,
      saveEveryEpoch: false,
    });
    dir = r.checkpoints[0];
    model = await createServedModel(dir, { threads: 1, id: 'tuned' });
    server = buildEngineServer([model]);
    url = await server.listen(0);
  });

  afterAll(async () => {
    await server?.shutdown(1000);
    await model?.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** Greedy tokens from the training forward with the soft prompt: the reference the server must reproduce. */
  function reference(prompt: string, n: number): { promptIds: number[]; outIds: number[] } {
    const m = training.loadTrainingModel(dir);
    const promptIds = m.tokenizer.encode(verbalizePrompt({ template: VERBALIZER }, prompt), true);
    const ids = [...promptIds];
    for (let i = 0; i < n; i++) {
      const logits = training.lastLogits(m.config, m.params, ids, m.softPrompt!.data);
      let best = 0;
      for (let v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
      ids.push(best);
    }
    return { promptIds, outIds: ids.slice(promptIds.length) };
  }

  it('completes verbalizer(prompt) under the soft prompt, counting only the caller-visible tokens', async () => {
    const ref = reference('grass', 6);
    const res = await postJson(`${url}/v1/completions`, { prompt: 'grass', max_tokens: 6, temperature: 0, ignore_eos: true, logprobs: 0 });
    expect(res.status).toBe(200);
    const body = res.body as {
      choices: { text: string; logprobs: { tokens: string[] } }[];
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    expect(body.choices[0].logprobs.tokens).toEqual(ref.outIds.map((id) => model.tokenToString(id)));
    expect(body.choices[0].text).toBe(model.decode(ref.outIds));
    expect(body.usage).toMatchObject({ prompt_tokens: ref.promptIds.length, completion_tokens: 6 });

    // TGI's text generation verbalizes too; echo shows the text the model was given.
    const tgi = await postJson(`${url}/generate`, { inputs: 'grass', parameters: { max_new_tokens: 6, do_sample: false } });
    expect(tgi.status).toBe(200);
    expect((tgi.body as { generated_text: string }).generated_text).toBe(model.decode(ref.outIds));
    const echo = await postJson(`${url}/v1/completions`, { prompt: 'grass', max_tokens: 1, temperature: 0, echo: true, ignore_eos: true });
    expect((echo.body as { choices: { text: string }[] }).choices[0].text).toBe(
      `Input: grass Output:${model.decode(ref.outIds.slice(0, 1))}`,
    );
  });

  it('takes token-id prompts as given and refuses ids beyond the vocabulary (the virtual tokens are not addressable)', async () => {
    const ref = reference('snow', 3);
    const ok = await postJson(`${url}/v1/completions`, { prompt: ref.promptIds, max_tokens: 3, temperature: 0, ignore_eos: true });
    expect((ok.body as { choices: { text: string }[] }).choices[0].text).toBe(model.decode(ref.outIds));
    const vocab = model.config.vocab_size;
    const bad = await postJson(`${url}/v1/completions`, { prompt: [1, vocab], max_tokens: 1 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain(`Token id ${vocab} is out of vocabulary`);
  });

  it('advertises the context left after the soft prompt', async () => {
    const res = await fetch(`${url}/v1/models`);
    const body = (await res.json()) as { data: { max_model_len: number }[] };
    expect(model.virtualTokens).toBe(4);
    expect(body.data[0].max_model_len).toBe(256 - 4);
  });
});
