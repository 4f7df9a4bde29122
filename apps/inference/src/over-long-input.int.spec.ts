import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { inferenceV1 } from '@platform/contracts';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceOverEngine, TGI_MODEL, startServiceOverEngine } from './testing/service-over-engine';

const MODEL = 'tiny/llama';
/** One word far beyond the tiny model's 1,024-token context: the engine's tokenizer once overflowed its stack on it. */
const WORD = 'a'.repeat(200_000);

describe('inference service: a 200,000-character word, against a real engine server', () => {
  let setup: ServiceOverEngine;
  let client: ServiceOverEngine['client'];

  beforeAll(async () => {
    setup = await startServiceOverEngine(MODEL);
    client = setup.client;
  });

  afterAll(() => setup?.close());

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
    expect(await refusal(generate(TGI_MODEL))).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
  });

  it('is tokenized and counted', async () => {
    const tok = await firstValueFrom(
      client.service.tokenize({ modelId: MODEL, input: WORD, projectId: '', spaceId: '', returnTokens: false }, new Metadata()),
    );
    expect(tok.tokenCount).toBe(200_001);
  });
});
