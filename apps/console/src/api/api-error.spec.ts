import { describe, expect, it } from 'vitest';
import { ApiError, apiErrorOf, describeError } from './api-error';

describe('apiErrorOf', () => {
  it("reads the IBM envelope: the first error's code, message and target, every entry, and the trace", () => {
    const body = JSON.stringify({
      errors: [
        { code: 'invalid_request', message: 'name is required', more_info: 'x', target: { type: 'field', name: 'name' } },
        { code: 'invalid_request', message: 'tags must be an array', more_info: 'x' },
      ],
      trace: 'trace-1',
      status_code: 400,
    });
    const e = apiErrorOf(400, body, 'header-trace');
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 400, code: 'invalid_request', message: 'name is required', trace: 'trace-1' });
    expect(e.target).toEqual({ type: 'field', name: 'name' });
    expect(e.errors.map((x) => x.message)).toEqual(['name is required', 'tags must be an array']);
  });

  it("reads OpenAI's shape (/openai/v1) with the trace from the header", () => {
    const e = apiErrorOf(
      404,
      JSON.stringify({ error: { message: 'no such model', type: 'invalid_request_error', code: 'model_not_found', param: 'model' } }),
      't2',
    );
    expect(e).toMatchObject({
      status: 404,
      code: 'model_not_found',
      message: 'no such model',
      trace: 't2',
      target: { type: 'field', name: 'model' },
    });
  });

  it('says only the status for a body that is neither (an HTML error page from a proxy)', () => {
    expect(apiErrorOf(502, '<html>Bad gateway</html>', null)).toMatchObject({
      code: 'http_502',
      message: 'The gateway answered HTTP 502.',
    });
    expect(apiErrorOf(503, 'upstream down', null).message).toBe('upstream down');
  });

  it('describes any error for display', () => {
    expect(describeError(new ApiError(403, 'forbidden', 'No.', 'tr'))).toEqual({
      message: 'No.',
      code: 'forbidden',
      target: undefined,
      trace: 'tr',
    });
    expect(describeError(new TypeError('Failed to fetch'))).toEqual({ message: 'Failed to fetch' });
  });
});
