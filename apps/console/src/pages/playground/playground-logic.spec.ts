import type { DeploymentJson, FoundationModelSpecJson } from '@platform/api-types';
import { describe, expect, it } from 'vitest';
import { checkParameters, DEFAULT_VALUES } from './parameters';
import { promptTemplateBody, variablesIn } from './prompt-template';
import { EMPTY_OUTPUT, foldChat, foldGeneration } from './stream-reducer';
import { chatBody, generationBody, streamPath, targetsOf, type Target } from './targets';

const spec = (model_id: string, functions: string[]) =>
  ({ model_id, number_params: '135m', functions: functions.map((id) => ({ id })) }) as FoundationModelSpecJson;
const deployment = (id: string, state: string, template: boolean) =>
  ({
    metadata: { id, name: `dep-${id}` },
    entity: {
      online: { parameters: { serving_name: `s_${id}` } },
      status: { state, inference: [] },
      ...(template ? { prompt_template: { id: 't' } } : {}),
    },
  }) as unknown as DeploymentJson;

describe('playground parameters', () => {
  it('sends typed values as numbers and leaves empty ones out', () => {
    const { values, errors } = checkParameters('chat', {
      ...DEFAULT_VALUES.chat,
      numbers: { max_tokens: '32', temperature: '', top_p: '0.5' },
    });
    expect(errors).toEqual({});
    expect(values).toEqual({ max_tokens: 32, top_p: 0.5 });
  });

  it('names every value the gateway would refuse, by its field', () => {
    const { errors } = checkParameters('generate', {
      decodingMethod: 'sample',
      numbers: { temperature: '2.5', top_k: '0', max_new_tokens: '1.5', random_seed: 'x' },
      stop: 'a\nb\nc\nd\ne\nf\ng',
    });
    expect(Object.keys(errors).sort()).toEqual(['max_new_tokens', 'random_seed', 'stop_sequences', 'temperature', 'top_k']);
    expect(errors.temperature).toBe('Temperature must be between 0 and 2.');
    expect(errors.max_new_tokens).toBe('Max new tokens must be a whole number.');
  });

  it('takes the chat API its four stop sequences and generation its decoding method', () => {
    expect(checkParameters('chat', { ...DEFAULT_VALUES.chat, stop: 'a\nb\nc\nd' }).values.stop).toEqual(['a', 'b', 'c', 'd']);
    expect(checkParameters('chat', { ...DEFAULT_VALUES.chat, stop: 'a\nb\nc\nd\ne' }).errors.stop).toBeDefined();
    expect(checkParameters('generate', DEFAULT_VALUES.generate).values.decoding_method).toBe('greedy');
  });
});

describe('playground targets and requests', () => {
  const model: Target = { kind: 'model', id: 'platform/starter-llama', label: '' };
  const templated: Target = { kind: 'deployment', id: 'd1', label: '', templateId: 't' };

  it('offers text models, then ready deployments only', () => {
    const targets = targetsOf(
      [spec('platform/starter-llama', ['text_generation', 'text_chat']), spec('embedder', ['embedding'])],
      [deployment('a', 'ready', false), deployment('b', 'initializing', false)],
    );
    expect(targets.map((t) => `${t.kind}:${t.id}`)).toEqual(['model:platform/starter-llama', 'deployment:a']);
  });

  it('streams from the catalog route with model_id, or from the deployment route without it', () => {
    expect(streamPath(model, 'chat')).toBe('/ml/v1/text/chat_stream');
    expect(streamPath(templated, 'generate')).toBe('/ml/v1/deployments/d1/text/generation_stream');
    expect(chatBody(model, 'p', 'Be brief.', [{ role: 'user', content: 'hi' }], { max_tokens: 5 })).toEqual({
      model_id: 'platform/starter-llama',
      project_id: 'p',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
      max_tokens: 5,
    });
    expect(generationBody(templated, 'p', 'ignored', { max_new_tokens: 3 }, { name: 'joe' })).toEqual({
      project_id: 'p',
      parameters: { max_new_tokens: 3, prompt_variables: { name: 'joe' } },
    });
  });
});

describe('stream folding', () => {
  it('joins chat deltas and takes the counts from the usage event', () => {
    const chunk = (content: string, finish: string | null) =>
      ({ id: 'c', model_id: 'm', created_at: '', choices: [{ index: 0, delta: { content }, finish_reason: finish }] }) as const;
    let out = foldChat(EMPTY_OUTPUT, { ...chunk('Hel', null), choices: [...chunk('Hel', null).choices] });
    out = foldChat(out, { ...chunk('lo', 'stop'), choices: [...chunk('lo', 'stop').choices] });
    out = foldChat(out, {
      id: 'c',
      model_id: 'm',
      created_at: '',
      choices: [],
      usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 },
    });
    expect(out).toEqual({ text: 'Hello', inputTokens: 7, outputTokens: 2, stopReason: 'stop' });
  });

  it('joins generation events, keeping the input count of the first and the last generated count', () => {
    const event = (text: string, generated: number, input: number, stop: string) => ({
      model_id: 'm',
      created_at: '',
      results: [{ generated_text: text, generated_token_count: generated, input_token_count: input, stop_reason: stop }],
    });
    let out = foldGeneration(EMPTY_OUTPUT, event('a', 1, 5, 'not_finished'));
    out = foldGeneration(out, event('b', 2, 0, 'max_tokens'));
    expect(out).toEqual({ text: 'ab', inputTokens: 5, outputTokens: 2, stopReason: 'max_tokens' });
  });
});

describe('save as prompt template', () => {
  it('keeps a chat as a chat template with its system prompt, turns as chat items and parameters', () => {
    const body = promptTemplateBody('greeter', '', {
      mode: 'chat',
      modelId: 'm',
      system: 'Greet {name}.',
      turns: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
      ],
      input: '',
      parameters: { max_tokens: 8 },
    });
    expect(body).toEqual({
      name: 'greeter',
      input_mode: 'chat',
      task_ids: ['generation'],
      prompt_variables: { name: {} },
      prompt: {
        model_id: 'm',
        model_parameters: { max_tokens: 8 },
        data: {},
        system_prompt: 'Greet {name}.',
        chat_items: [
          { type: 'question', content: 'hi' },
          { type: 'answer', content: 'hello' },
        ],
      },
    });
  });

  it('keeps a generation as a free-form template of its input', () => {
    const body = promptTemplateBody('t', 'd', {
      mode: 'generate',
      modelId: 'm',
      system: '',
      turns: [],
      input: 'Say {a} and {b}, {a}.',
      parameters: {},
    });
    expect(body).toMatchObject({
      description: 'd',
      input_mode: 'freeform',
      prompt_variables: { a: {}, b: {} },
      prompt: { input: [['Say {a} and {b}, {a}.', '']] },
    });
    expect(variablesIn('no variables, {not valid}')).toEqual([]);
  });
});
