import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { inferenceV1 } from '@platform/contracts';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceOverEngine, TGI_MODEL, startServiceOverEngine } from './testing/service-over-engine';

const S = inferenceV1.StopReason;
const MODEL = 'tiny/llama';

const TOOLS = JSON.stringify([
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: {
        type: 'object',
        properties: { city: { enum: ['Oslo', 'Lima'] }, celsius: { type: 'boolean' } },
        required: ['city', 'celsius'],
        additionalProperties: false,
      },
    },
  },
]);

/**
 * The chat path's generation controls through the service to a real engine server: tool calls streamed as deltas
 * and folded for the unary call, guided_* as structured_outputs, and, through the tgi adapter, the options TGI's
 * Messages API cannot honour refused by name before any model server is asked.
 */
describe('chat controls against a real engine server', () => {
  let setup: ServiceOverEngine;
  let client: ServiceOverEngine['client'];

  beforeAll(async () => {
    setup = await startServiceOverEngine(MODEL);
    client = setup.client;
  });

  afterAll(() => setup?.close());

  const chatReq = (p: Partial<inferenceV1.ChatParameters> = {}, modelId = MODEL): inferenceV1.ChatRequest => ({
    modelId,
    projectId: '',
    spaceId: '',
    messages: [{ role: 'user', content: 'Weather in Oslo?', contentParts: [], name: '', toolCallId: '', toolCalls: [] }],
    parameters: {
      guidedChoice: [],
      maxTokens: 120,
      temperature: 0,
      stop: [],
      timeLimit: 0,
      toolsJson: '',
      toolChoiceJson: '',
      toolChoiceOption: '',
      responseFormatJson: '',
      logitBiasJson: '',
      ...p,
    },
  });
  const failure = (call: Promise<unknown>) =>
    call.then(
      () => undefined,
      (e: unknown) => e as { code: number; details: string },
    );
  const refusalOf = async (req: inferenceV1.ChatRequest) => {
    const err = await failure(firstValueFrom(client.service.chat(req, new Metadata())));
    expect(err?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    return JSON.parse(err?.details ?? '{}') as { message: string; target?: { name: string } };
  };

  it('streams a named tool call as deltas ending in TOOL_CALLS, and the unary call folds them into the same call', async () => {
    // JSON admits any whitespace (vLLM's default), which the random model would pad with: tab, LF, CR, space banned.
    const req = chatReq({
      toolsJson: TOOLS,
      toolChoiceJson: JSON.stringify({ type: 'function', function: { name: 'get_weather' } }),
      logitBiasJson: JSON.stringify({ '9': -100, '10': -100, '13': -100, '32': -100 }),
    });
    const chunks = await lastValueFrom(client.service.chatStream(req, new Metadata()).pipe(toArray()));
    const deltas = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.message?.toolCalls ?? []));
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas[0]).toMatchObject({ index: 0, id: expect.stringMatching(/^chatcmpl-tool-/), function: { name: 'get_weather' } });
    const finishes = chunks.flatMap((c) => c.choices.map((ch) => ch.stop)).filter((s) => s !== S.STOP_REASON_NOT_FINISHED);
    expect(finishes).toEqual([S.STOP_REASON_TOOL_CALLS]);

    const res = await firstValueFrom(client.service.chat(req, new Metadata()));
    expect(res.choices[0].stop).toBe(S.STOP_REASON_TOOL_CALLS);
    const [call] = res.choices[0].message?.toolCalls ?? [];
    expect(call).toMatchObject({ index: 0, type: 'function', id: expect.stringMatching(/^chatcmpl-tool-/) });
    expect(call.function?.name).toBe('get_weather');
    expect(call.function?.arguments).toBe(deltas.map((d) => d.function?.arguments ?? '').join(''));
    expect(JSON.parse(call.function?.arguments ?? '')).toEqual({
      city: expect.stringMatching(/^(Oslo|Lima)$/),
      celsius: expect.any(Boolean),
    });
  });

  it('sends guided_choice and guided_regex as structured_outputs the engine server follows', async () => {
    const choice = await firstValueFrom(client.service.chat(chatReq({ guidedChoice: ['sunny', 'rainy'] }), new Metadata()));
    expect(['sunny', 'rainy']).toContain(choice.choices[0].message?.content);
    const regex = await firstValueFrom(client.service.chat(chatReq({ guidedRegex: '[0-9]{2}C' }), new Metadata()));
    expect(regex.choices[0].message?.content).toMatch(/^[0-9]{2}C$/);
  });

  it("names the guided option in the engine server's refusal of a grammar it cannot compile", async () => {
    const err = await refusalOf(chatReq({ guidedGrammar: 'root ::= (' }));
    expect(err.target?.name).toBe('guided_grammar');
    expect(err.message).not.toContain('structured_outputs');
  });

  it("refuses by name what TGI's Messages API cannot honour, before asking it", async () => {
    for (const [p, field] of [
      [{ guidedGrammar: 'root ::= "a"' }, 'guided_grammar'],
      [{ logitBiasJson: '{"123": 100}' }, 'logit_bias'],
      [{ n: 2 }, 'n'],
      [{ repetitionPenalty: 1.3 }, 'repetition_penalty'],
      [{ guidedRegex: 'a', toolsJson: TOOLS, toolChoiceOption: 'auto' }, 'guided_regex'],
    ] as const) {
      const err = await refusalOf(chatReq(p, TGI_MODEL));
      expect(err.target?.name).toBe(field);
      expect(err.message).toContain('text-generation-inference');
    }
  });
});
