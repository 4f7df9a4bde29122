import 'reflect-metadata';
import { ValidationPipe, type Type } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { EmbeddingsRequest, RerankRequest, TextChatRequest, TextGenerationRequest, TokenizationRequest } from '../inference.dto';
import { DeploymentTextChatRequest, DeploymentTextGenerationRequest } from '../deployment-text.dto';
import { ChatCompletionRequest, CompletionRequest, OpenAiEmbeddingsRequest } from '../openai/openai.dto';
import { chatCompletionShape, completionShape, openAiEmbeddingsShape } from './openai-shapes';
import type { Check } from './shape';
import {
  deploymentTextChatShape,
  deploymentTextGenerationShape,
  embeddingsShape,
  rerankShape,
  textChatShape,
  textGenerationShape,
  tokenizationShape,
} from './watsonx-shapes';

/** class-validator as the gateway runs it, except that a field the whitelist would strip is an error. */
const strict = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, validateCustomDecorators: true });
const passesClassValidator = async (dto: Type<unknown>, body: unknown) =>
  strict.transform(body, { type: 'custom', metatype: dto }).then(
    () => true,
    () => false,
  );

const P = { project_id: 'p1' };
const cases: { dto: Type<unknown>; check: Check; valid: unknown[]; other: unknown[] }[] = [
  {
    dto: TextGenerationRequest,
    check: textGenerationShape,
    valid: [
      { ...P, model_id: 'm', input: 'hi' },
      {
        space_id: 's',
        model_id: 'm',
        input: '',
        parameters: {
          decoding_method: 'sample',
          temperature: 0.7,
          top_p: 1,
          top_k: 50,
          random_seed: 4294967295,
          repetition_penalty: 1.05,
          min_new_tokens: 0,
          max_new_tokens: 20,
          stop_sequences: ['\n\n'],
          include_stop_sequence: false,
          time_limit: 1000,
          truncate_input_tokens: 0,
          length_penalty: { decay_factor: 1.5, start_index: 2 },
          return_options: {
            input_text: true,
            generated_tokens: true,
            input_tokens: true,
            token_logprobs: true,
            token_ranks: true,
            top_n_tokens: 5,
          },
        },
        moderations: {
          hap: { input: { enabled: true, threshold: 0.5 }, output: {}, mask: { remove_entity_value: true } },
          pii: {},
          input_ranges: [{ start: 0, end: 3 }],
        },
      },
      { ...P, model_id: 'm', input: 'x', parameters: null, moderations: null },
    ],
    other: [
      {},
      [],
      'text',
      null,
      { ...P, model_id: 'm' },
      { ...P, model_id: '', input: 'x' },
      { ...P, model_id: 'm'.repeat(301), input: 'x' },
      { ...P, model_id: 'm', input: 1 },
      { ...P, model_id: 'm', input: 'x', extra: 1 },
      { ...P, model_id: 'm', input: 'x', parameters: { top_k: 0 } },
      { ...P, model_id: 'm', input: 'x', parameters: { top_k: 1.5 } },
      { ...P, model_id: 'm', input: 'x', parameters: { temperature: 2.5 } },
      { ...P, model_id: 'm', input: 'x', parameters: { decoding_method: 'beam' } },
      { ...P, model_id: 'm', input: 'x', parameters: { stop_sequences: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] } },
      { ...P, model_id: 'm', input: 'x', parameters: { stop_sequences: [1] } },
      { ...P, model_id: 'm', input: 'x', parameters: { return_options: { top_n_tokens: 6 } } },
      { ...P, model_id: 'm', input: 'x', parameters: { return_options: { unknown: true } } },
      { ...P, model_id: 'm', input: 'x', parameters: [] },
      { ...P, model_id: 'm', input: 'x', moderations: { hap: { input: { threshold: 2 } } } },
      { ...P, model_id: 'm', input: 'x', moderations: { input_ranges: [{ start: -1, end: 2 }] } },
      { ...P, model_id: 'm', input: 'x', project_id: 5 },
    ],
  },
  {
    dto: TextChatRequest,
    check: textChatShape,
    valid: [
      { ...P, model_id: 'm', messages: [{ role: 'user', content: 'hi' }] },
      {
        ...P,
        model_id: 'm',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: [{ type: 'text', text: 'hi' }], name: 'u' },
          { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', content: '1', tool_call_id: 'c' },
        ],
        tools: [{ type: 'function', function: { name: 'f' } }],
        tool_choice_option: 'auto',
        frequency_penalty: 0,
        presence_penalty: -2,
        logprobs: true,
        top_logprobs: 3,
        max_tokens: 10,
        n: 1,
        response_format: { type: 'json_object' },
        seed: 7,
        stop: ['x'],
        temperature: 0,
        top_p: 0.5,
        time_limit: 5,
      },
      { ...P, model_id: 'm', messages: [{ role: 'user', content: 'hi' }], guided_json: { type: 'object', properties: { a: {} } } },
      { ...P, model_id: 'm', messages: [{ role: 'user', content: 'hi' }], guided_json: '{"type":"object"}' },
      { ...P, model_id: 'm', messages: [{ role: 'user', content: 'hi' }], guided_regex: '[a-z]+', guided_grammar: 'root ::= "a"' },
      { ...P, model_id: 'm', messages: [{ role: 'user', content: 'hi' }], guided_choice: ['yes', 'no'] },
    ],
    other: [
      { ...P, model_id: 'm', messages: [{ role: 'user' }], guided_json: [] },
      { ...P, model_id: 'm', messages: [{ role: 'user' }], guided_json: 3 },
      { ...P, model_id: 'm', messages: [{ role: 'user' }], guided_json: { enum: ['x'.repeat(70_000)] } },
      { ...P, model_id: 'm', messages: [{ role: 'user' }], guided_json: 'x'.repeat(70_000) },
      { ...P, model_id: 'm', messages: [{ role: 'user' }], guided_regex: 'a'.repeat(9000) },
      { ...P, model_id: 'm', messages: [{ role: 'user' }], guided_regex: 5 },
      { ...P, model_id: 'm', messages: [{ role: 'user' }], guided_choice: [] },
      { ...P, model_id: 'm', messages: [{ role: 'user' }], guided_choice: 'yes' },
      { ...P, model_id: 'm', messages: [{ role: 'user' }], guided_choice: ['a', 1] },
      { ...P, model_id: 'm', messages: [{ role: 'user' }], guided_choice: Array.from({ length: 257 }, (_, i) => `${i}`) },
      { ...P, model_id: 'm', messages: [{ role: 'user' }], guided_choice: ['x'.repeat(1025)] },
      { ...P, model_id: 'm', messages: [{ role: 'user' }], guided_grammar: 'a'.repeat(70_000) },
      { ...P, model_id: 'm', messages: [] },
      { ...P, model_id: 'm', messages: [{ role: 'robot', content: 'x' }] },
      { ...P, model_id: 'm', messages: [{ content: 'x' }] },
      { ...P, model_id: 'm', messages: ['x'] },
      { ...P, model_id: 'm', messages: [{ role: 'user', content: 'x', extra: 1 }] },
      { ...P, model_id: 'm', messages: [{ role: 'user' }], tools: ['x'] },
      { ...P, model_id: 'm', messages: [{ role: 'user' }], n: 17 },
      { ...P, model_id: 'm', messages: [{ role: 'user' }], stop: ['a', 'b', 'c', 'd', 'e'] },
      { ...P, model_id: 'm', messages: [{ role: 'user' }], tool_choice: [] },
    ],
  },
  {
    dto: DeploymentTextGenerationRequest,
    check: deploymentTextGenerationShape,
    valid: [
      { input: 'how far is paris from bangalore:\n', parameters: { max_new_tokens: 100 } },
      { space_id: 's', input: 'x', moderations: { pii: { output: { enabled: true }, mask: { remove_entity_value: true } } } },
      // A template deployment's request: no input, the template's variables.
      { parameters: { max_new_tokens: 100, time_limit: 1000, prompt_variables: { name: 'joe', count: 3 } } },
      { input: 'x', parameters: { prompt_variables: {} } },
    ],
    other: [
      { input: 'x', model_id: 'm' },
      { parameters: { prompt_variables: { name: { first: 'joe' } } } },
      { parameters: { prompt_variables: ['joe'] } },
      { input: 'x', parameters: { top_k: 0 } },
      { input: 2 },
    ],
  },
  {
    dto: DeploymentTextChatRequest,
    check: deploymentTextChatShape,
    valid: [{ messages: [{ role: 'user', content: 'hi' }], max_tokens: 5, temperature: 0 }],
    other: [{ messages: [] }, { model_id: 'm', messages: [{ role: 'user', content: 'hi' }] }, { messages: [{ role: 'user' }], n: 17 }],
  },
  {
    dto: EmbeddingsRequest,
    check: embeddingsShape,
    valid: [
      { ...P, model_id: 'm', inputs: ['a', 'b'] },
      { ...P, model_id: 'm', inputs: ['a'], parameters: { truncate_input_tokens: 0, return_options: { input_text: true } } },
    ],
    other: [
      { ...P, model_id: 'm', inputs: [] },
      { ...P, model_id: 'm', inputs: 'a' },
      { ...P, model_id: 'm', inputs: [1] },
      { ...P, model_id: 'm', inputs: Array.from({ length: 1001 }, () => 'a') },
      { ...P, model_id: 'm', inputs: ['a'], parameters: { truncate_input_tokens: -1 } },
    ],
  },
  {
    dto: TokenizationRequest,
    check: tokenizationShape,
    valid: [{ ...P, model_id: 'm', input: 'a', parameters: { return_tokens: true } }],
    other: [
      { ...P, model_id: 'm' },
      { ...P, model_id: 'm', input: 'a', parameters: { return_tokens: 'yes' } },
    ],
  },
  {
    dto: RerankRequest,
    check: rerankShape,
    valid: [
      {
        ...P,
        model_id: 'm',
        query: 'q',
        inputs: [{ text: 'a' }],
        parameters: { truncate_input_tokens: 1, return_options: { top_n: 1, inputs: true, query: false } },
      },
    ],
    other: [
      { ...P, model_id: 'm', query: '', inputs: [{ text: 'a' }] },
      { ...P, model_id: 'm', query: 'q', inputs: ['a'] },
      { ...P, model_id: 'm', query: 'q', inputs: [{ text: 'a', score: 1 }] },
      { ...P, model_id: 'm', query: 'q', inputs: [{ text: 'a' }], parameters: { truncate_input_tokens: 0 } },
    ],
  },
  {
    dto: CompletionRequest,
    check: completionShape,
    valid: [
      {
        model: 'm',
        prompt: 'hi',
        max_tokens: 5,
        temperature: 0,
        top_p: 1,
        seed: 1,
        stop: ['x'],
        n: 1,
        stream: true,
        stream_options: { include_usage: true },
        user: 'u',
      },
      { model: 'm', prompt: ['hi'] },
      { model: 'm', prompt: 'x', n: 16, best_of: 16, logprobs: 5, echo: true, logit_bias: { '120': 100 } },
    ],
    other: [
      { model: 'm', prompt: 'x', n: 17 },
      { model: 'm', prompt: 'x', logprobs: 6 },
      { model: 'm', prompt: 'x', max_tokens: 0 },
      { prompt: 'x' },
      { model: 'm', prompt: 'x', best_of: 0 },
    ],
  },
  {
    dto: ChatCompletionRequest,
    check: chatCompletionShape,
    valid: [
      {
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
        tool_choice: 'auto',
        logprobs: true,
        top_logprobs: 2,
        response_format: { type: 'json_object' },
      },
      {
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
        n: 16,
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
        tool_choice: { type: 'function', function: { name: 'f' } },
        parallel_tool_calls: false,
        logit_bias: { '123': 100 },
      },
      { model: 'm', messages: [{ role: 'user', content: 'hi' }], structured_outputs: { choice: ['a'] }, guided_regex: 'a+' },
      { model: 'm', messages: [{ role: 'user', content: 'hi' }], guided_json: '{}', guided_choice: ['x'], guided_grammar: 'root ::= "a"' },
    ],
    other: [
      { model: 'm', messages: [{ role: 'user' }], n: 17 },
      { model: 'm', messages: [{ role: 'user' }], guided_choice: [] },
      { model: 'm', messages: [{ role: 'user' }], guided_json: [1] },
      { model: 'm', messages: [] },
      { model: 'm', messages: [{ role: 'user' }], max_completion_tokens: 0 },
    ],
  },
  {
    dto: OpenAiEmbeddingsRequest,
    check: openAiEmbeddingsShape,
    valid: [
      { model: 'm', input: ['a'], encoding_format: 'base64' },
      { model: 'm', input: 'a', dimensions: 3 },
    ],
    other: [{ model: 'm', input: 'a', encoding_format: 'hex' }, { input: 'a' }, { model: 'm', input: 'a', dimensions: 0 }],
  },
];

describe('accept-only body checks', () => {
  for (const { dto, check, valid, other } of cases) {
    it(`${dto.name}: vouches for typical bodies, and only for bodies class-validator accepts unchanged`, async () => {
      for (const body of valid) {
        expect(check(body), JSON.stringify(body)).toBe(true);
        expect(await passesClassValidator(dto, body), JSON.stringify(body)).toBe(true);
      }
      for (const body of other) if (check(body)) expect(await passesClassValidator(dto, body), JSON.stringify(body)).toBe(true);
      expect(other.filter((b) => check(b))).toEqual([]);
    });
  }
});
