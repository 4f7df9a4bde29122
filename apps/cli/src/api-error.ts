import type { EnvelopeError, ErrorEnvelope } from '@platform/api-types';

/** The IBM error envelope as the CLI reads it: any part may be missing (another server, a proxy's answer). */
type Envelope = Partial<Omit<ErrorEnvelope, 'errors'>> & { errors: Partial<EnvelopeError>[] };

/** A non-2xx answer of the gateway, with its body as sent. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${path} answered ${status}`);
  }
}

function isEnvelope(body: unknown): body is Envelope {
  return typeof body === 'object' && body !== null && Array.isArray((body as Envelope).errors);
}

/** The lines printed to stderr for an API error: each envelope message, then the trace to quote in a report. */
export function describeApiError(err: ApiError): string[] {
  if (!isEnvelope(err.body) || err.body.errors.length === 0) {
    const text = typeof err.body === 'string' ? err.body.trim() : JSON.stringify(err.body);
    return [`Error: ${err.method} ${err.path} failed with HTTP ${err.status}${text ? `: ${text}` : ''}`];
  }
  const lines = err.body.errors.map((e) => {
    const details = [e.code, e.target?.name ? `${e.target.type ?? 'field'} ${e.target.name}` : undefined].filter(Boolean).join(', ');
    return `Error: ${e.message ?? 'unknown error'}${details ? ` (${details})` : ''}`;
  });
  lines.push(`HTTP ${err.status}${err.body.trace ? `, trace ${err.body.trace}` : ''}`);
  return lines;
}
