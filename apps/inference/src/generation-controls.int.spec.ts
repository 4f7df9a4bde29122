import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { inferenceV1 } from '@platform/contracts';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_HIDDEN } from './testing/tiny-model';
import { type ServiceOverEngine, TGI_MODEL, startServiceOverEngine } from './testing/service-over-engine';

const MODEL = 'tiny/llama';

/** A matryoshka model (as config.json says so), so `dimensions` is allowed. */
function markMatryoshka(dir: string): void {
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({ ...JSON.parse(readFileSync(configPath, 'utf8')), is_matryoshka: true }));
}

/**
 * Issue 12's generation controls through the service to a real engine server, in both dialects: logit bias,
 * the prompt's tokens (`return_options.input_tokens`), embeddings `dimensions` and the model's parameter count.
 */
describe('generation controls against a real engine server', () => {
  let setup: ServiceOverEngine;
  let client: ServiceOverEngine['client'];

  beforeAll(async () => {
    setup = await startServiceOverEngine(MODEL, markMatryoshka);
    client = setup.client;
  });

  afterAll(() => setup?.close());

  const generateReq = (over: Partial<inferenceV1.TextGenParameters> = {}, modelId = MODEL): inferenceV1.GenerateRequest => ({
    modelId,
    input: 'hello',
    projectId: '',
    spaceId: '',
    parameters: { decodingMethod: 'greedy', maxNewTokens: 5, stopSequences: [], timeLimit: 0, returnOptions: undefined, ...over },
    moderations: undefined,
  });
  const returnOptions = (over: Partial<inferenceV1.ReturnOptions>): inferenceV1.ReturnOptions => ({
    inputText: false,
    generatedTokens: false,
    inputTokens: true,
    tokenLogprobs: false,
    tokenRanks: false,
    topNTokens: 0,
    ...over,
  });
  const failure = (call: Promise<unknown>) =>
    call.then(
      () => undefined,
      (e: unknown) => e as { code: number; details: string },
    );

  it('reports the parameter count the engine server computes', async () => {
    const res = await firstValueFrom(client.service.listModels({}, new Metadata()));
    const served = res.models.find((m) => m.modelId === MODEL);
    // Byte vocabulary plus 5 specials, 6 layers of width 128, tied embeddings.
    const vocab = 261;
    const perLayer =
      2 * TINY_HIDDEN + 2 * TINY_HIDDEN * TINY_HIDDEN + 2 * TINY_HIDDEN * (TINY_HIDDEN / 2) + 3 * TINY_HIDDEN * 2 * TINY_HIDDEN;
    expect(Number(served?.parameterCount)).toBe(vocab * TINY_HIDDEN + 6 * perLayer + TINY_HIDDEN);
  });

  it('passes logit_bias to the model server: a +100 bias forces its token', async () => {
    // After a byte the random model repeats that byte by a logit margin beyond any bias; after a chat marker it does not.
    const req = { ...generateReq({ logitBiasJson: JSON.stringify({ 120: 100 }) }), input: 'Pick a letter.<|assistant|>' };
    const plain = await firstValueFrom(
      client.service.generate(
        { ...req, parameters: { ...req.parameters, logitBiasJson: undefined } } as inferenceV1.GenerateRequest,
        new Metadata(),
      ),
    );
    const res = await firstValueFrom(client.service.generate(req, new Metadata()));
    expect(plain.result?.generatedText).not.toBe('xxxxx');
    expect(res.result?.generatedText).toBe('xxxxx');
  });

  it('refuses logit_bias on a TGI replica, naming it', async () => {
    const err = await failure(
      firstValueFrom(client.service.generate(generateReq({ logitBiasJson: '{"120": 100}' }, TGI_MODEL), new Metadata())),
    );
    expect(err?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(JSON.parse(err?.details ?? '{}')).toEqual({
      code: 'invalid_request',
      message: 'logit_bias is not supported by text-generation-inference.',
      target: { type: 'field', name: 'logit_bias' },
    });
  });

  it('returns the prompt tokens with logprobs, ranks and alternatives, on the first stream item only', async () => {
    const ro = returnOptions({ tokenLogprobs: true, tokenRanks: true, topNTokens: 2 });
    const res = await firstValueFrom(client.service.generate(generateReq({ returnOptions: ro }), new Metadata()));
    const tokens = res.result?.inputTokens ?? [];
    // BOS, then one token per byte.
    expect(tokens.map((t) => t.text)).toEqual(['<s>', 'h', 'e', 'l', 'l', 'o']);
    expect(tokens[0]).toMatchObject({ text: '<s>', topTokens: [] });
    expect(tokens[0].logprob).toBeUndefined();
    for (const t of tokens.slice(1)) {
      expect(t.logprob).toBeLessThanOrEqual(0);
      expect(t.rank).toBeGreaterThanOrEqual(1);
      expect(t.topTokens).toHaveLength(2);
      expect(t.topTokens[0].logprob).toBeGreaterThanOrEqual(t.topTokens[1].logprob ?? 0);
      // Rank 1 means the token is the likeliest, so it heads the alternatives; otherwise it is below the first.
      if (t.rank === 1) expect(t.topTokens[0]).toMatchObject({ text: t.text, logprob: t.logprob });
      else expect(t.logprob).toBeLessThan(t.topTokens[0].logprob ?? 0);
    }
    const items = await lastValueFrom(client.service.generateStream(generateReq({ returnOptions: ro }), new Metadata()).pipe(toArray()));
    expect(items[0].result?.inputTokens).toEqual(tokens);
    expect(items.slice(1).every((i) => i.result?.inputTokens.length === 0)).toBe(true);
  });

  it('returns only the texts unless logprobs are asked for, also behind output moderation', async () => {
    const moderations: inferenceV1.Moderations = {
      hap: undefined,
      pii: { input: undefined, output: { enabled: true }, mask: undefined },
      inputRanges: [],
    };
    const res = await firstValueFrom(
      client.service.generate({ ...generateReq({ returnOptions: returnOptions({}) }), moderations }, new Metadata()),
    );
    expect(res.result?.inputTokens.map((t) => t.text)).toEqual(['<s>', 'h', 'e', 'l', 'l', 'o']);
    expect(res.result?.inputTokens.every((t) => t.logprob === undefined && t.rank === undefined && t.topTokens.length === 0)).toBe(true);
  });

  it('returns the prompt token texts from a TGI replica (its /tokenize has no logprobs)', async () => {
    const res = await firstValueFrom(
      client.service.generate(generateReq({ returnOptions: returnOptions({ tokenLogprobs: true }) }, TGI_MODEL), new Metadata()),
    );
    expect(res.result?.inputTokens.map((t) => t.text).join('')).toContain('hello');
    expect(res.result?.inputTokens.every((t) => t.logprob === undefined)).toBe(true);
  });

  it('shortens embeddings to `dimensions` on a matryoshka model, and never mixes sizes in one backend batch', async () => {
    const embed = (dimensions?: number) =>
      firstValueFrom(
        client.service.embed(
          { modelId: MODEL, inputs: ['a', 'b c'], projectId: '', spaceId: '', returnInputText: false, dimensions },
          new Metadata(),
        ),
      );
    const [full, short] = await Promise.all([embed(), embed(8)]);
    expect(full.results[0].embedding).toHaveLength(TINY_HIDDEN);
    expect(short.results[0].embedding).toHaveLength(8);
    expect(Math.hypot(...short.results[1].embedding)).toBeCloseTo(1, 5);
    const err = await failure(embed(TINY_HIDDEN + 1));
    expect(err).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
    expect(err?.details).toMatch(/dimensions must be at most 128/);
  });
});
