import type { ErrorEnvelope } from '@platform/api-types';

/** OpenAI's error object: what the `openai` client reads into its typed errors (`status`, `code`, `param`, `type`). */
export interface OpenAiError {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** The platform's error codes in OpenAI's words, where OpenAI has a word for them. */
const CODES: Record<string, string> = {
  model_not_supported: 'model_not_found',
  unauthorized: 'invalid_api_key',
  too_many_requests: 'rate_limit_exceeded',
};

function typeOf(status: number): string {
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * The same error the IBM envelope describes, in OpenAI's shape: one error (the first problem, whose field becomes
 * `param`), its status unchanged.
 */
export function toOpenAiError(envelope: ErrorEnvelope): OpenAiError {
  const first = envelope.errors[0];
  const fieldTarget = first?.target && first.target.type !== 'header' ? first.target.name : null;
  const more = envelope.errors.length > 1 ? ` (and ${envelope.errors.length - 1} more problems)` : '';
  return {
    error: {
      message: `${first?.message ?? 'Internal server error.'}${more}`,
      type: typeOf(envelope.status_code),
      param: fieldTarget,
      code: first ? (CODES[first.code] ?? first.code) : null,
    },
  };
}
