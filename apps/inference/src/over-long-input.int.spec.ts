import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { freePort } from '@platform/infra';
import { connectGrpcService, type GrpcServiceClient } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInferenceService } from './main';
import { type EngineProcess, startEngineProcess, tinyModelDir } from './testing/engine-process';

const MODEL = 'tiny/llama';
/** One word far beyond the tiny model's 1,024-token context: the engine's tokenizer once overflowed its stack on it. */
const WORD = 'a'.repeat(200_000);

describe('inference service: a 200,000-character word, against a real engine server', () => {
  let model: { dir: string; remove(): void };
  let engine: EngineProcess;
  let service: Awaited<ReturnType<typeof startInferenceService>>;
  let client: GrpcServiceClient<inferenceV1.InferenceServiceClient>;

  beforeAll(async () => {
    model = tinyModelDir();
    engine = await startEngineProcess(model.dir, MODEL);
    process.env.PLATFORM_INFERENCE_BACKENDS = JSON.stringify([{ url: engine.url }]);
    process.env.PLATFORM_INFERENCE_POOLS = JSON.stringify([
      { model_id: 'tiny-tgi', replicas: [{ url: engine.url, adapter: 'tgi', backend_model: MODEL }] },
    ]);
    const grpcUrl = `127.0.0.1:${await freePort()}`;
    delete process.env.PLATFORM_ENGINE_PORT;
    delete process.env.NATS_URL; // configuration only: no runtime registration
    service = await startInferenceService({ grpcUrl, opsPort: await freePort() });
    client = connectGrpcService('inference', inferenceV1.INFERENCE_SERVICE_NAME, { url: grpcUrl, deadline: 'long' });
  });

  afterAll(async () => {
    client?.close();
    await service?.close();
    delete process.env.PLATFORM_INFERENCE_BACKENDS;
    delete process.env.PLATFORM_INFERENCE_POOLS;
    await engine?.stop();
    model?.remove();
  });

  const refusal = (call: Promise<unknown>) =>
    call.then(
      () => expect.unreachable('the word was accepted'),
      (err: unknown) => err as { code: number; details: string },
    );

  it('is refused as longer than the context (INVALID_ARGUMENT, the 400), not UNAVAILABLE', async () => {
    const chat: inferenceV1.ChatRequest = {
      modelId: MODEL,
      projectId: '',
      spaceId: '',
      messages: [{ role: 'user', content: WORD, contentParts: [], name: '', toolCallId: '', toolCalls: [] }],
      parameters: {
        guidedChoice: [],
        maxTokens: 1,
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
    const chatErr = await refusal(firstValueFrom(client.service.chat(chat, new Metadata())));
    expect(chatErr).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      details: expect.stringMatching(/maximum context length is 1024 tokens/),
    });
    const generate = (modelId: string) =>
      firstValueFrom(
        client.service.generate(
          {
            modelId,
            input: WORD,
            projectId: '',
            spaceId: '',
            parameters: { decodingMethod: 'greedy', maxNewTokens: 1, stopSequences: [], timeLimit: 0, returnOptions: undefined },
            moderations: undefined,
          },
          new Metadata(),
        ),
      );
    expect(await refusal(generate(MODEL))).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
    expect(await refusal(generate('tiny-tgi'))).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
  });

  it('is tokenized and counted', async () => {
    const tok = await firstValueFrom(
      client.service.tokenize({ modelId: MODEL, input: WORD, projectId: '', spaceId: '', returnTokens: false }, new Metadata()),
    );
    expect(tok.tokenCount).toBe(200_001);
  });
});
