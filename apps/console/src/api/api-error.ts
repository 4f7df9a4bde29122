import type { ErrorEnvelope } from '@platform/api-types';

/** The field, header or parameter an error names (the envelope's `target`). */
export interface ErrorTarget {
  type: string;
  name: string;
}

/**
 * A refused or failed call to the gateway, read from its answer: the IBM envelope's first error (every entry kept in
 * `errors`), OpenAI's `{error}` shape on /openai/v1, or only the status when the body is neither.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly trace?: string,
    readonly target?: ErrorTarget,
    readonly errors: readonly { code: string; message: string; target?: ErrorTarget }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface OpenAiErrorBody {
  error: { message?: string; code?: string | null; type?: string; param?: string | null };
}

const isEnvelope = (b: unknown): b is ErrorEnvelope =>
  typeof b === 'object' && b !== null && Array.isArray((b as ErrorEnvelope).errors) && (b as ErrorEnvelope).errors.length > 0;
const isOpenAiError = (b: unknown): b is OpenAiErrorBody =>
  typeof b === 'object' && b !== null && typeof (b as OpenAiErrorBody).error === 'object' && (b as OpenAiErrorBody).error !== null;

/** The ApiError of an answer with status `status`, its body `text` (JSON or not) and the `x-global-transaction-id`. */
export function apiErrorOf(status: number, text: string, traceHeader?: string | null): ApiError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isEnvelope(body)) {
    const [first] = body.errors;
    const errors = body.errors.map(({ code, message, target }) => ({ code, message, ...(target ? { target } : {}) }));
    return new ApiError(status, first.code, first.message, body.trace || traceHeader || undefined, first.target, errors);
  }
  if (isOpenAiError(body)) {
    const { message, code, type, param } = body.error;
    const target = param ? { type: 'field', name: param } : undefined;
    return new ApiError(status, code ?? type ?? 'error', message ?? `HTTP ${status}`, traceHeader ?? undefined, target);
  }
  const message =
    text.trim() && text.length <= 300 && !text.trimStart().startsWith('<') ? text.trim() : `The gateway answered HTTP ${status}.`;
  return new ApiError(status, `http_${status}`, message, traceHeader ?? undefined);
}

/** An error's parts for display: an ApiError's own, any other error's message. */
export function describeError(error: unknown): { message: string; code?: string; target?: ErrorTarget; trace?: string } {
  if (error instanceof ApiError) return { message: error.message, code: error.code, target: error.target, trace: error.trace };
  if (error instanceof Error) return { message: error.message };
  return { message: String(error) };
}
