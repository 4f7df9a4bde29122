import { describe, expect, it } from 'vitest';
import { parseExternalEndpoints } from './external-endpoints';

describe('PLATFORM_DEPLOYMENT_EXTERNAL_ENDPOINTS', () => {
  it('reads the registered endpoints, with the adapter and backend model defaulted', () => {
    expect(
      parseExternalEndpoints(
        JSON.stringify([
          { model_id: 'acme/llama-70b', url: 'http://vllm.acme:8000/', adapter: 'openai', backend_model: 'llama' },
          { model_id: 'acme/flan', url: 'https://tgi.acme' },
          { model_id: 'acme/tgi', url: 'http://tgi:80', adapter: 'tgi' },
        ]),
      ),
    ).toEqual([
      { modelId: 'acme/llama-70b', url: 'http://vllm.acme:8000', adapter: 'openai', backendModel: 'llama' },
      { modelId: 'acme/flan', url: 'https://tgi.acme', adapter: 'openai', backendModel: 'acme/flan' },
      { modelId: 'acme/tgi', url: 'http://tgi:80', adapter: 'tgi', backendModel: 'acme/tgi' },
    ]);
  });

  it('is empty when unset', () => {
    expect(parseExternalEndpoints(undefined)).toEqual([]);
    expect(parseExternalEndpoints('  ')).toEqual([]);
  });

  it.each([
    ['{', /is not JSON/],
    ['{}', /must be a JSON array/],
    ['[1]', /\[0\] must be an object/],
    ['[{"url":"http://a"}]', /\[0\]\.model_id must be a non-empty string/],
    ['[{"model_id":"m","url":"not a url"}]', /\[0\]\.url is not a URL/],
    ['[{"model_id":"m","url":"ftp://a"}]', /\[0\]\.url must be http\(s\)/],
    ['[{"model_id":"m","url":"http://a","adapter":"grpc"}]', /\[0\]\.adapter must be "openai" or "tgi"/],
    ['[{"model_id":"m","url":"http://a"},{"model_id":"m","url":"http://b"}]', /\[1\]\.model_id m is registered twice/],
    ['[{"model_id":"m","url":"http://a","backend_model":""}]', /\[0\]\.backend_model must be a non-empty string/],
  ])('refuses %s naming the entry and field', (json, message) => {
    expect(() => parseExternalEndpoints(json)).toThrow(message);
  });
});
