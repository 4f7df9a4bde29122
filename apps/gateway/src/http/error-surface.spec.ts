import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { toEnvelope } from './error-envelope';
import { errorSurfaceOf } from './error-surface';
import { toOpenAiError } from './openai-error';
import { RequestValidationError } from './request-validation.error';

const PUBLIC = 'https://gw.example';
const moreInfo = (url: string) => {
  const s = errorSurfaceOf(url, PUBLIC);
  return s.shape === 'ibm' ? s.moreInfo : s.shape;
};

describe('the error surface of a route', () => {
  it.each([
    ['/v1/projects/p/taxonomies?limit=2', 'https://cloud.ibm.com/apidocs/instructlab'],
    ['/v1/data/abc', 'https://cloud.ibm.com/apidocs/instructlab'],
    ['/v1/models', 'https://cloud.ibm.com/apidocs/instructlab'],
    ['/ml/v1/text/generation?version=2024-05-31', 'https://cloud.ibm.com/apidocs/watsonx-ai-cp'],
    ['/ml/v1/fine_tunings', 'https://cloud.ibm.com/apidocs/watsonx-ai-cp'],
    ['/v1/prompts/x', 'https://cloud.ibm.com/apidocs/watsonx-ai-cp'],
    ['/v2/notebooks', 'https://cloud.ibm.com/apidocs/watsonx-ai-cp'],
    ['/v2/projects', 'https://cloud.ibm.com/apidocs/watson-data-api-cpd'],
    ['/v2/spaces/s/members', 'https://cloud.ibm.com/apidocs/watson-data-api-cpd'],
    ['/icp4d-api/v1/authorize', 'https://cloud.ibm.com/apidocs/watson-data-api-cpd'],
    ['/api/v2/secrets?project_id=p', 'https://cloud.ibm.com/apidocs/secrets-manager/secrets-manager-v2'],
    ['/inference/chat_completion', 'https://llama-stack.readthedocs.io'],
    ['/reward_scoring/score', 'https://llama-stack.readthedocs.io'],
    ['/synthetic_data_generation/generate', 'https://llama-stack.readthedocs.io'],
    ['/openai/v1/chat/completions', 'openai'],
    ['/health', `${PUBLIC}/docs`],
    ['/v10/anything', `${PUBLIC}/docs`],
    ['/mlx', `${PUBLIC}/docs`],
  ])('%s → %s', (url, expected) => {
    expect(moreInfo(url)).toBe(expected);
  });
});

describe("OpenAI's error shape", () => {
  const openAi = (err: unknown) => {
    const env = toEnvelope(err, 't', '');
    return { status: env.status_code, body: toOpenAiError(env) };
  };

  it('names the field of a bad request as param', () => {
    expect(openAi(PlatformError.invalid('temperature must be at most 2.', 'temperature'))).toEqual({
      status: 400,
      body: {
        error: { message: 'temperature must be at most 2.', type: 'invalid_request_error', param: 'temperature', code: 'invalid_request' },
      },
    });
  });

  it("uses OpenAI's codes for a missing model, a missing key and an overload", () => {
    expect(openAi(PlatformError.notFound("Model 'x' is not supported.", 'model_not_supported'))).toMatchObject({
      status: 404,
      body: { error: { code: 'model_not_found', type: 'invalid_request_error', param: null } },
    });
    expect(openAi(PlatformError.unauthorized())).toMatchObject({
      status: 401,
      body: { error: { code: 'invalid_api_key', param: null, message: 'Unauthorized.' } },
    });
    const overload = new PlatformError(8, 'too_many_requests', 'The model is at capacity.');
    expect(openAi(overload)).toMatchObject({ status: 429, body: { error: { code: 'rate_limit_exceeded', type: 'requests' } } });
  });

  it('reports the first of several problems and how many more there were', () => {
    const body = openAi(
      new RequestValidationError([
        { field: 'model', message: 'model must be a string' },
        { field: 'messages', message: 'messages must be an array' },
      ]),
    ).body;
    expect(body.error).toMatchObject({ param: 'model', message: 'model must be a string (and 1 more problems)' });
  });

  it('hides internals behind a server_error', () => {
    expect(openAi(new TypeError('secret internals')).body.error).toEqual({
      message: 'Internal server error.',
      type: 'server_error',
      param: null,
      code: 'internal_error',
    });
  });
});
