import { describe, expect, it } from 'vitest';
import { ApiError, describeApiError } from './api-error';

describe('describeApiError', () => {
  it('prints every message of the IBM envelope, with code, target and trace', () => {
    const body = {
      errors: [
        {
          code: 'invalid_request',
          message: 'knowledge/a/qna.yaml line 3: unknown key "foo".',
          more_info: '',
          target: { type: 'field', name: 'taxonomy_path_cos' },
        },
        { code: 'invalid_request', message: 'knowledge/b/qna.yaml line 1: version must be 3.', more_info: '' },
      ],
      trace: 'trace-1',
      status_code: 400,
    };
    expect(describeApiError(new ApiError('POST', '/v1/taxonomies', 400, body))).toEqual([
      'Error: knowledge/a/qna.yaml line 3: unknown key "foo". (invalid_request, field taxonomy_path_cos)',
      'Error: knowledge/b/qna.yaml line 1: version must be 3. (invalid_request)',
      'HTTP 400, trace trace-1',
    ]);
  });

  it('falls back to the status and raw body when the answer is not an envelope', () => {
    expect(describeApiError(new ApiError('GET', '/v1/data', 502, 'Bad Gateway'))).toEqual([
      'Error: GET /v1/data failed with HTTP 502: Bad Gateway',
    ]);
    expect(describeApiError(new ApiError('GET', '/v1/data', 500, undefined))).toEqual(['Error: GET /v1/data failed with HTTP 500']);
  });
});
