import { randomBytes } from 'node:crypto';
import { WatsonXAI } from '@ibm-cloud/watsonx-ai';
import { BearerTokenAuthenticator } from 'ibm-cloud-sdk-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeOf } from './support/api';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

/**
 * Prompt-template deployments through the official watsonx.ai SDK: a prompt template saved with createPrompt, deployed
 * on the platform's foundation model with a serving name (prompt_template.id + base_model_id), and called by serving
 * name with parameters.prompt_variables: the template, filled, is what reaches the model (return_options.input_text
 * shows the text the model was given), the template's model parameters apply under the request's, and a variable with
 * neither a value nor a default is a 400 naming it.
 */
const VERSION = '2024-05-31';
const MODEL = 'platform/tiny-llama';
const run = randomBytes(3).toString('hex');
const SERVING = `greet_${run}`;

let platform: TestPlatform;
let wx: WatsonXAI;
let token: string;
let projectId: string;
let templateId: string;
let deploymentId: string;

beforeAll(async () => {
  platform = await startTestPlatform({ engineModel: MODEL });
  token = await platform.api.newUser('petra');
  projectId = await platform.api.newProject(token, 'prompt-deployments');
  wx = WatsonXAI.newInstance({
    version: VERSION,
    serviceUrl: platform.url,
    authenticator: new BearerTokenAuthenticator({ bearerToken: token }),
  });
}, 300_000);
afterAll(async () => platform?.stop());

describe('a prompt template deployed and called by serving name through the official SDK', () => {
  it('saves a prompt template with variables, one of them with a default', async () => {
    const created = await wx.createPrompt({
      projectId,
      name: 'greeting',
      inputMode: 'freeform',
      // `name` has no default (`{}`: a declaration without default_value), `place` defaults to Paris.
      promptVariables: { name: {}, place: 'Paris' },
      prompt: {
        model_id: MODEL,
        model_parameters: { decoding_method: 'greedy', max_new_tokens: 3, min_new_tokens: 3 },
        data: {},
        input: [['Say hello to {name} from {place}.', '']],
      },
    });
    expect(created.status).toBe(201);
    templateId = created.result.id as string;
    expect(templateId).toBeTruthy();
  });

  it('deploys it on the foundation model with a serving name: a foundation_model deployment, ready at once', async () => {
    const created = await wx.createDeployment({
      name: 'greeting',
      projectId,
      promptTemplate: { id: templateId },
      baseModelId: MODEL,
      online: { parameters: { serving_name: SERVING } },
    });
    expect([201, 202]).toContain(created.status);
    deploymentId = created.result.metadata!.id;
    expect(created.result.entity).toMatchObject({
      prompt_template: { id: templateId },
      base_model_id: MODEL,
      deployed_asset_type: 'foundation_model',
      status: { state: 'ready' },
    });
  });

  it('generates from the filled template: the rendered prompt reached the model, the template parameters under the request', async () => {
    const res = await wx.deploymentGenerateText({
      idOrName: SERVING,
      // Ignored: the deployment's template is the prompt (the seed).
      input: 'not this',
      parameters: { prompt_variables: { name: 'joe' }, max_new_tokens: 2, min_new_tokens: 2, return_options: { input_text: true } },
    });
    expect(res.status).toBe(200);
    expect(res.result.model_id).toBe(MODEL);
    expect(res.result.results[0]).toMatchObject({
      input_text: 'Say hello to joe from Paris.',
      // The request's max_new_tokens wins over the template's 3.
      generated_token_count: 2,
    });

    // By id too, with every variable given and the template's own parameters.
    const byId = await wx.deploymentGenerateText({
      idOrName: deploymentId,
      parameters: { prompt_variables: { name: 'ana', place: 'Oslo' }, return_options: { input_text: true } },
    });
    expect(byId.result.results[0]).toMatchObject({ input_text: 'Say hello to ana from Oslo.', generated_token_count: 3 });
  });

  it('answers 400 naming a variable with no value and no default', async () => {
    const err = (await wx
      .deploymentGenerateText({ idOrName: SERVING, parameters: { prompt_variables: { place: 'Rome' } } })
      .then(() => undefined)
      .catch((e: unknown) => e)) as { status?: number; message?: string } | undefined;
    expect(err?.status).toBe(400);
    expect(err?.message).toContain('name');

    const raw = await platform.api.request('POST', `/ml/v1/deployments/${SERVING}/text/generation?version=${VERSION}`, {
      token,
      body: { parameters: {} },
    });
    expect(raw.status).toBe(400);
    expect(envelopeOf(raw).target).toEqual({ type: 'field', name: 'parameters.prompt_variables.name' });
  });

  it('streams from the filled template too, and refuses chat with a template that is not a chat prompt', async () => {
    const stream = await platform.api.request('POST', `/ml/v1/deployments/${SERVING}/text/generation_stream?version=${VERSION}`, {
      token,
      body: { parameters: { prompt_variables: { name: 'joe' } } },
    });
    expect(stream.status).toBe(200);
    expect(String(stream.body)).toContain('generated_text');

    const chat = await platform.api.request('POST', `/ml/v1/deployments/${SERVING}/text/chat?version=${VERSION}`, {
      token,
      body: { messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(chat.status).toBe(400);
    expect(envelopeOf(chat).target).toEqual({ type: 'parameter', name: 'id_or_name' });
  });
});

describe('a chat prompt template deployed and chatted with through the official SDK', () => {
  const SYSTEM = 'You answer in one word.';
  const messages = [{ role: 'user', content: 'Hi there' }];
  let chatServing: string;

  it("leads the caller's messages with the template's system prompt, and refuses a system message of the caller's", async () => {
    const prompt = await wx.createPrompt({
      projectId,
      name: 'one-word',
      inputMode: 'chat',
      prompt: { model_id: MODEL, data: {}, system_prompt: SYSTEM, chat_items: [] },
    });
    expect(prompt.status).toBe(201);
    chatServing = `chat_${run}`;
    const created = await wx.createDeployment({
      name: 'one-word',
      projectId,
      promptTemplate: { id: prompt.result.id as string },
      baseModelId: MODEL,
      online: { parameters: { serving_name: chatServing } },
    });
    expect(created.result.entity?.status?.state).toBe('ready');

    const params = { maxTokens: 2, temperature: 0 };
    const viaTemplate = await wx.deploymentsTextChat({ idOrName: chatServing, messages, ...params });
    const withSystem = await wx.textChat({
      modelId: MODEL,
      projectId,
      messages: [{ role: 'system', content: SYSTEM }, ...messages],
      ...params,
    });
    const without = await wx.textChat({ modelId: MODEL, projectId, messages, ...params });
    // The model was given the template's system prompt: as many prompt tokens as the same chat with it, more than without.
    expect(viaTemplate.result.usage?.prompt_tokens).toBe(withSystem.result.usage?.prompt_tokens);
    expect(viaTemplate.result.usage?.prompt_tokens).toBeGreaterThan(without.result.usage?.prompt_tokens ?? 0);

    const own = await platform.api.request('POST', `/ml/v1/deployments/${chatServing}/text/chat?version=${VERSION}`, {
      token,
      body: { messages: [{ role: 'system', content: 'x' }, ...messages] },
    });
    expect(own.status).toBe(400);
    expect(envelopeOf(own).target).toEqual({ type: 'field', name: 'messages[0].role' });
  });
});
