import type { ClientGrpc } from '@nestjs/microservices';
import type { inferenceV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { GatewayConfig } from '../gateway.config';
import { LlamaStackModels } from './llama-stack-models';

const REQUIRED = { DATABASE_URL: 'postgres://x', PLATFORM_JWT_SECRET: 's', PLATFORM_ADMIN_PASSWORD: 'p', PLATFORM_ADMIN_APIKEY: 'k' };

const info = (modelId: string, functions: string[]) => ({ modelId, functions }) as unknown as inferenceV1.ModelInfo;

/** An inference client whose ListModels answers from `catalog`, counting the calls. */
function inference(catalog: inferenceV1.ModelInfo[]) {
  let calls = 0;
  const raw = {
    listModels: (_req: unknown, _md: unknown, _options: unknown, done: (err: null, res: inferenceV1.ListModelsResponse) => void) => {
      calls++;
      done(null, { models: catalog } as inferenceV1.ListModelsResponse);
    },
  };
  const client = { getClientByServiceName: () => raw } as unknown as ClientGrpc;
  return { client, calls: () => calls };
}

const models = (catalog: inferenceV1.ModelInfo[], env: Record<string, string> = {}) => {
  const fake = inference(catalog);
  return { ...fake, names: new LlamaStackModels(fake.client, GatewayConfig.load({ ...REQUIRED, ...env })) };
};

describe('Llama Stack model names', () => {
  const catalog = [info('platform/embedder', ['embedding']), info('platform/starter-llama', ['text_generation', 'text_chat'])];

  it("sends every draft name to the served default model out of the box (the catalog's first generating model)", async () => {
    const { names, calls } = models(catalog);
    for (const draft of ['llama3_8b_chat', 'llama3_70b_chat', 'llama3_8b', 'llama3_70b', 'llama3_405b_reward'])
      expect(await names.resolve(draft)).toBe('platform/starter-llama');
    expect(calls()).toBe(1);
  });

  it("keeps the operator's mapping first and passes catalog ids through", async () => {
    const { names, calls } = models(catalog, { PLATFORM_LLAMA_STACK_MODELS: '{"llama3_8b_chat":"platform/tiny"}' });
    expect(await names.resolve('llama3_8b_chat')).toBe('platform/tiny');
    expect(await names.resolve('platform/other')).toBe('platform/other');
    expect(calls()).toBe(0);
  });

  it('leaves a draft name alone when nothing is served, so inference answers model_not_supported', async () => {
    expect(await models([]).names.resolve('llama3_8b_chat')).toBe('llama3_8b_chat');
  });

  it('refuses a malformed mapping at start, naming the variable', () => {
    const load = (raw: string) => () => GatewayConfig.load({ ...REQUIRED, PLATFORM_LLAMA_STACK_MODELS: raw });
    expect(load('{')).toThrow(/PLATFORM_LLAMA_STACK_MODELS must be JSON/);
    expect(load('["a"]')).toThrow(/PLATFORM_LLAMA_STACK_MODELS must be a JSON object/);
    expect(load('{"a":3}')).toThrow(/PLATFORM_LLAMA_STACK_MODELS \["a"\] must be a non-empty catalog model id/);
  });
});
