/**
 * The two error dialects the server speaks. OpenAI/vLLM routes answer `{"error":{message,type,param,code}}`;
 * text-generation-inference routes answer `{"error": "...", "error_type": "..."}`. Request parsing throws the
 * dialect-neutral `InvalidRequest`, and the route's dialect decides how it is reported.
 */

/** A malformed request (wrong type, out of range, missing field): 400 on OpenAI routes, 422 on TGI routes. */
export class InvalidRequest extends Error {
  constructor(
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'InvalidRequest';
  }
}

/** A request body that is not JSON at all. */
export class MalformedJson extends InvalidRequest {
  constructor(detail: string) {
    super(`JSON decode error: ${detail}`);
    this.name = 'MalformedJson';
  }
}

export class OpenAIError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'OpenAIError';
  }

  toBody(): { error: { message: string; type: string; param: string | null; code: number } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.status } };
  }
}

export const badRequest = (message: string, param: string | null = null): OpenAIError =>
  new OpenAIError(400, message, 'BadRequestError', param);

export const modelNotFound = (name: string): OpenAIError =>
  new OpenAIError(404, `The model \`${name}\` does not exist.`, 'NotFoundError', 'model');

export const openAIOverloaded = (message = 'Model is overloaded'): OpenAIError => new OpenAIError(429, message, 'TooManyRequestsError');

export class TgiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorType: string,
  ) {
    super(message);
    this.name = 'TgiError';
  }

  toBody(): { error: string; error_type: string } {
    return { error: this.message, error_type: this.errorType };
  }
}

/** TGI prefixes every validation failure this way (`InferError::ValidationError` display). */
export const tgiValidation = (message: string): TgiError => new TgiError(422, `Input validation error: ${message}`, 'validation');

export const tgiOverloaded = (): TgiError => new TgiError(429, 'Model is overloaded', 'overloaded');
