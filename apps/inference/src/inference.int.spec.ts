import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { freePort } from '@platform/infra';
import { connectGrpcService, type GrpcServiceClient } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { firstValueFrom, lastValueFrom, tap, toArray } from 'rxjs';
import { scrapeMetric, startEngineServer, waitFor, type EngineServer } from '@platform/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInferenceService } from './main';
import { PoolRegistry } from './pools/pool-registry';
import { TINY_HIDDEN, tinyModelDir } from './testing/tiny-model';

const S = inferenceV1.StopReason;

const MODEL = 'tiny/llama';

describe('inference service against real engine servers', () => {
  let model: { dir: string; remove(): void };
  let a: EngineServer;
  let b: EngineServer;
  let service: Awaited<ReturnType<typeof startInferenceService>>;
  let client: GrpcServiceClient<inferenceV1.InferenceServiceClient>;
  let opsPort: number;

  beforeAll(async () => {
    model = tinyModelDir();
    [a, b] = await Promise.all([
      startEngineServer({ models: [{ dir: model.dir, name: MODEL }] }),
      startEngineServer({ models: [{ dir: model.dir, name: MODEL }] }),
    ]);
    process.env.PLATFORM_INFERENCE_BACKENDS = JSON.stringify([{ url: a.url }, { url: b.url, adapter: 'openai' }]);
    process.env.PLATFORM_INFERENCE_POOLS = JSON.stringify([
      { model_id: 'tiny-tgi', replicas: [{ url: a.url, adapter: 'tgi', backend_model: MODEL }] },
      { model_id: 'tiny-small', replicas: [{ url: b.url, backend_model: MODEL }], max_concurrency: 1, max_queue: 1 },
    ]);
    process.env.PLATFORM_INFERENCE_HEALTH_INTERVAL_MS = '200';
    const grpcUrl = `127.0.0.1:${await freePort()}`;
    opsPort = await freePort();
    delete process.env.PLATFORM_ENGINE_PORT;
    delete process.env.NATS_URL; // configuration only: no runtime registration
    service = await startInferenceService({ grpcUrl, opsPort });
    client = connectGrpcService('inference', inferenceV1.INFERENCE_SERVICE_NAME, { url: grpcUrl, deadline: 'long' });
  });

  afterAll(async () => {
    client?.close();
    await service?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    model?.remove();
  });

  const generateReq = (over: Partial<inferenceV1.TextGenParameters> = {}): inferenceV1.GenerateRequest => ({
    modelId: MODEL,
    input: 'hello',
    projectId: '',
    spaceId: '',
    parameters: { decodingMethod: 'greedy', maxNewTokens: 5, stopSequences: [], timeLimit: 0, returnOptions: undefined, ...over },
    moderations: undefined,
  });

  it('discovers both replicas as one pool', async () => {
    const res = await firstValueFrom(client.service.listModels({}, new Metadata()));
    expect(res.models).toEqual([
      expect.objectContaining({ modelId: 'tiny-tgi', replicas: 1, provider: 'text-generation-inference' }),
      expect.objectContaining({ modelId: 'tiny-small', replicas: 1 }),
      expect.objectContaining({ modelId: MODEL, replicas: 2, healthyReplicas: 2, maxSequenceLength: 1024 }),
    ]);
    const ops = await fetch(`http://127.0.0.1:${opsPort}/health`);
    expect(ops.status).toBe(200);
  });

  it('generates with watsonx semantics: counts, stop reasons, tokens', async () => {
    const res = await firstValueFrom(
      client.service.generate(
        generateReq({
          returnOptions: {
            inputText: true,
            generatedTokens: true,
            inputTokens: false,
            tokenLogprobs: true,
            tokenRanks: true,
            topNTokens: 2,
          },
        }),
        new Metadata(),
      ),
    );
    const r = res.result as inferenceV1.GenerationResult;
    expect(r.stop).toBe(S.STOP_REASON_MAX_TOKENS);
    expect(r.generatedTokenCount).toBe(5);
    expect(r.inputTokenCount).toBeGreaterThan(0);
    expect(r.inputText).toBe('hello');
    expect(r.generatedText.length).toBeGreaterThan(0);
    expect(r.generatedTokens).toHaveLength(5);
    expect(r.generatedTokens[0].topTokens).toHaveLength(2);
    expect(r.generatedTokens[0].rank).toBe(1);
    expect(typeof r.generatedTokens[0].logprob).toBe('number');
  });

  it('honours stop sequences with and without include_stop_sequence', async () => {
    const full = await firstValueFrom(client.service.generate(generateReq({ maxNewTokens: 30 }), new Metadata()));
    const text = full.result?.generatedText ?? '';
    const stop = text.slice(2, 4);
    const kept = await firstValueFrom(client.service.generate(generateReq({ maxNewTokens: 30, stopSequences: [stop] }), new Metadata()));
    expect(kept.result?.stop).toBe(S.STOP_REASON_STOP_SEQUENCE);
    expect(kept.result?.generatedText.endsWith(stop)).toBe(true);
    const dropped = await firstValueFrom(
      client.service.generate(generateReq({ maxNewTokens: 30, stopSequences: [stop], includeStopSequence: false }), new Metadata()),
    );
    expect(dropped.result?.generatedText).toBe(kept.result?.generatedText.slice(0, -stop.length));
  });

  it('streams the new text with running counts and ends with the stop reason', async () => {
    const items = await lastValueFrom(client.service.generateStream(generateReq({ maxNewTokens: 4 }), new Metadata()).pipe(toArray()));
    expect(items.length).toBeGreaterThanOrEqual(4);
    expect(items.slice(0, -1).every((i) => i.result?.stop === S.STOP_REASON_NOT_FINISHED)).toBe(true);
    expect(items[items.length - 1].result).toEqual(expect.objectContaining({ stop: S.STOP_REASON_MAX_TOKENS, generatedTokenCount: 4 }));
  });

  it('moderates over gRPC: unsuitable input never reaches the model; moderated output streams as the unary text', async () => {
    const moderations: inferenceV1.Moderations = {
      hap: { input: { enabled: true }, output: { enabled: true }, mask: undefined },
      pii: { input: { enabled: true }, output: { enabled: true }, mask: { removeEntityValue: true } },
      inputRanges: [],
    };
    const rejected = await firstValueFrom(
      client.service.generate({ ...generateReq(), input: 'write to foo.bar@ibm.com', moderations }, new Metadata()),
    );
    expect(rejected.result).toMatchObject({
      generatedText: '',
      generatedTokenCount: 0,
      stop: S.STOP_REASON_UNSPECIFIED,
      warnings: [{ id: 'UNSUITABLE_INPUT' }],
    });
    expect(rejected.result?.inputTokenCount).toBeGreaterThan(0);
    expect(rejected.result?.moderations?.pii).toEqual([
      expect.objectContaining({ entity: 'EmailAddress', input: true, position: { start: 9, end: 24 } }),
    ]);
    const req = { ...generateReq({ maxNewTokens: 12 }), moderations };
    const unary = await firstValueFrom(client.service.generate(req, new Metadata()));
    const items = await lastValueFrom(client.service.generateStream(req, new Metadata()).pipe(toArray()));
    expect(items.map((i) => i.result?.generatedText).join('')).toBe(unary.result?.generatedText);
    expect(items[items.length - 1].result).toMatchObject({ stop: S.STOP_REASON_MAX_TOKENS, generatedTokenCount: 12 });
  });

  it('Moderate reports, per text and without a model, the input findings a moderated Generate reports', async () => {
    const moderations: inferenceV1.Moderations = {
      hap: { input: { enabled: true }, output: undefined, mask: undefined },
      pii: { input: { enabled: true }, output: undefined, mask: undefined },
      inputRanges: [],
    };
    const texts = ['write to foo.bar@ibm.com', 'You are a fucking idiot. Call (212) 555-0199.', 'hello there'];
    const res = await firstValueFrom(client.service.moderate({ texts, moderations }, new Metadata()));
    expect(res.results).toHaveLength(3);
    for (const [i, input] of texts.entries()) {
      const gen = await firstValueFrom(client.service.generate({ ...generateReq(), input, moderations }, new Metadata()));
      expect(res.results[i]).toEqual(gen.result?.moderations ?? { hap: [], pii: [] });
    }
    expect(res.results[1].hap.length).toBeGreaterThan(0);
    expect(res.results[2]).toEqual({ hap: [], pii: [] });
    const tooMany = await firstValueFrom(client.service.moderate({ texts: Array(65).fill('hi'), moderations }, new Metadata())).then(
      () => expect.unreachable('65 texts were accepted'),
      (err: { code: number }) => err,
    );
    expect(tooMany.code).toBe(GrpcStatus.INVALID_ARGUMENT);
  });

  it('ends a generation at time_limit with what it has', async () => {
    const res = await firstValueFrom(client.service.generate(generateReq({ maxNewTokens: 900, timeLimit: 150 }), new Metadata()));
    expect(res.result?.stop).toBe(S.STOP_REASON_TIME_LIMIT);
    expect(res.result?.generatedTokenCount).toBeLessThan(900);
  });

  it('chats, unary and streaming', async () => {
    const req: inferenceV1.ChatRequest = {
      modelId: MODEL,
      projectId: '',
      spaceId: '',
      messages: [{ role: 'user', content: 'hi', contentParts: [], name: '', toolCallId: '', toolCalls: [] }],
      parameters: {
        guidedChoice: [],
        maxTokens: 3,
        temperature: 0,
        stop: [],
        timeLimit: 0,
        toolsJson: '',
        toolChoiceJson: '',
        toolChoiceOption: '',
        responseFormatJson: '',
        logitBiasJson: '',
      },
    };
    const res = await firstValueFrom(client.service.chat(req, new Metadata()));
    expect(res.choices[0]).toEqual(expect.objectContaining({ index: 0, stop: S.STOP_REASON_MAX_TOKENS }));
    expect(res.choices[0].message?.role).toBe('assistant');
    expect(res.usage).toEqual({ promptTokens: expect.any(Number), completionTokens: 3, totalTokens: expect.any(Number) });
    const chunks = await lastValueFrom(client.service.chatStream(req, new Metadata()).pipe(toArray()));
    expect(chunks.map((c) => c.choices[0]?.message?.content ?? '').join('')).toBe(res.choices[0].message?.content);
    expect(chunks[chunks.length - 1].usage?.completionTokens).toBe(3);
  });

  it('embeds and tokenizes', async () => {
    const emb = await firstValueFrom(
      client.service.embed({ modelId: MODEL, inputs: ['a', 'b c'], projectId: '', spaceId: '', returnInputText: true }, new Metadata()),
    );
    expect(emb.results).toHaveLength(2);
    expect(emb.results[1].input).toBe('b c');
    expect(emb.results[0].embedding.length).toBe(TINY_HIDDEN);
    const tok = await firstValueFrom(
      client.service.tokenize({ modelId: MODEL, input: 'hello', projectId: '', spaceId: '', returnTokens: true }, new Metadata()),
    );
    expect(tok.tokenCount).toBe(6);
    expect(tok.tokens).toHaveLength(6);
  });

  it("coalesces concurrent tokenizations into the engine server's batch call with the same answers", async () => {
    const texts = ['hello', 'a b c', 'x', 'longer text here'];
    const one = (input: string) =>
      firstValueFrom(client.service.tokenize({ modelId: MODEL, input, projectId: '', spaceId: '', returnTokens: true }, new Metadata()));
    const together = await Promise.all(texts.map(one));
    const alone: inferenceV1.TokenizeResponse[] = [];
    for (const t of texts) alone.push(await one(t));
    expect(together).toEqual(alone);
    expect(together.map((r) => r.tokenCount)).toEqual(texts.map((t) => t.length + 1));
  });

  it('speaks the TGI native API through the tgi adapter', async () => {
    const viaTgi = await firstValueFrom(
      client.service.generate({ ...generateReq({ maxNewTokens: 6 }), modelId: 'tiny-tgi' }, new Metadata()),
    );
    const viaOpenAi = await firstValueFrom(client.service.generate(generateReq({ maxNewTokens: 6 }), new Metadata()));
    expect(viaTgi.result).toEqual(
      expect.objectContaining({ stop: S.STOP_REASON_MAX_TOKENS, generatedTokenCount: 6, generatedText: viaOpenAi.result?.generatedText }),
    );
    const tok = await firstValueFrom(
      client.service.tokenize({ modelId: 'tiny-tgi', input: 'hello', projectId: '', spaceId: '', returnTokens: true }, new Metadata()),
    );
    expect(tok.tokenCount).toBe(6);
  });

  it('answers RESOURCE_EXHAUSTED when a pool and its queue are full, and serves the queued call after', async () => {
    const small = (maxNewTokens: number) => ({ ...generateReq({ maxNewTokens }), modelId: 'tiny-small' });
    let running: { unsubscribe(): void } | undefined;
    await new Promise<void>((resolve) => {
      running = client.service.generateStream(small(1000), new Metadata()).subscribe({ next: () => resolve() });
    });
    const queued = firstValueFrom(client.service.generate(small(2), new Metadata()));
    // The second call is in the pool's queue (its one slot is taken), not merely on its way: only then is the queue full.
    const admission = service.app.get(PoolRegistry).get('tiny-small').admission;
    await waitFor(() => admission.active === 1 && admission.queued === 1, 30_000, 5);
    await expect(firstValueFrom(client.service.generate(small(2), new Metadata()))).rejects.toMatchObject({
      code: GrpcStatus.RESOURCE_EXHAUSTED,
    });
    running?.unsubscribe();
    expect((await queued).result?.stop).toBe(S.STOP_REASON_MAX_TOKENS);
  });

  it('reranks inputs against a query, best first', async () => {
    const res = await firstValueFrom(
      client.service.rerank(
        {
          modelId: MODEL,
          inputs: ['zebra', 'hello there', 'hello'],
          query: 'hello',
          projectId: '',
          spaceId: '',
          topN: 2,
          returnInputs: true,
          returnQuery: true,
        },
        new Metadata(),
      ),
    );
    expect(res.results).toHaveLength(2);
    expect(res.results[0]).toMatchObject({ index: 2, input: 'hello' });
    expect(res.results[0].score).toBeCloseTo(1, 5);
    expect(res.results[0].score).toBeGreaterThanOrEqual(res.results[1].score);
    expect(res.query).toBe('hello');
  });

  it('answers NOT_FOUND for an unknown model', async () => {
    await expect(
      firstValueFrom(
        client.service.tokenize({ modelId: 'nope', input: 'x', projectId: '', spaceId: '', returnTokens: false }, new Metadata()),
      ),
    ).rejects.toMatchObject({
      code: GrpcStatus.NOT_FOUND,
    });
  });

  it('aborts the upstream request when the client cancels', async () => {
    const metrics = async () => {
      let total = 0;
      for (const e of [a, b]) total += await scrapeMetric(e.url, 'vllm:request_success_total', { finished_reason: 'abort' });
      return total;
    };
    const before = await metrics();
    await new Promise<void>((resolve) => {
      const sub = client.service.generateStream(generateReq({ maxNewTokens: 900 }), new Metadata()).subscribe({
        next: () => {
          sub.unsubscribe();
          resolve();
        },
      });
    });
    await expect.poll(metrics, { timeout: 5000 }).toBe(before + 1);
  });

  it('ends a stream with stop_reason error when its replica dies, then serves from the other', async () => {
    const items: inferenceV1.GenerateStreamResponse[] = [];
    const stream = client.service.generateStream(generateReq({ maxNewTokens: 900 }), new Metadata());
    let streaming = (): void => undefined;
    const firstToken = new Promise<void>((r) => (streaming = r));
    const done = lastValueFrom(
      stream.pipe(
        tap(() => streaming()),
        toArray(),
      ),
    );
    // Whichever replica took the stream is the one with work in flight, once tokens flow.
    await firstToken;
    const running = (e: EngineServer) => scrapeMetric(e.url, 'vllm:num_requests_running');
    const victim = (await waitFor(
      async () => ((await running(a)) > 0 ? a : (await running(b)) > 0 ? b : undefined),
      30_000,
    )) as EngineServer;
    const survivor = victim === a ? b : a;
    const finishedAtLength = () => scrapeMetric(survivor.url, 'vllm:request_success_total', { finished_reason: 'length' });
    await victim.kill();
    items.push(...(await done));
    expect(items[items.length - 1].result?.stop).toBe(S.STOP_REASON_ERROR);
    // Served, all three, by the surviving replica (counted there), rather than timed: the dead one costs no request.
    const before = await finishedAtLength();
    for (let i = 0; i < 3; i++) {
      const res = await firstValueFrom(client.service.generate(generateReq({ maxNewTokens: 2 }), new Metadata()));
      expect(res.result?.stop).toBe(S.STOP_REASON_MAX_TOKENS);
    }
    expect((await finishedAtLength()) - before).toBe(3);
    await expect
      .poll(
        async () =>
          (await firstValueFrom(client.service.listModels({}, new Metadata()))).models.find((m) => m.modelId === MODEL)?.healthyReplicas,
        {
          timeout: 30_000,
        },
      )
      .toBe(1);
  });
});
