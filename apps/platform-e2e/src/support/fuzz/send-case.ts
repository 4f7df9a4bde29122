import { errorShapeProblem, type RawResponse } from '../error-shapes';
import { percentEncode, type RequestCase } from './request-cases';

/** Long enough for a capped generation on a busy 2-core machine; a request still unanswered then is a hang. */
export const REQUEST_TIMEOUT_MS = 20_000;

export type CaseOutcome = ({ kind: 'response' } & RawResponse) | { kind: 'no-answer'; reason: string };

export function urlOf(base: string, c: RequestCase): string {
  const query = c.query.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
  return `${base}${c.path}${query ? `?${query}` : ''}`;
}

/** Sends the case (as `authorization`, when given) and reads the whole answer, streams included, within the timeout. */
export async function sendCase(base: string, c: RequestCase, authorization?: string): Promise<CaseOutcome> {
  const headers: Record<string, string> = { ...c.headers };
  if (authorization) headers.authorization = authorization;
  if (c.body?.contentType) headers['content-type'] = c.body.contentType;
  try {
    const res = await fetch(urlOf(base, c), {
      method: c.method,
      headers,
      body: c.body?.text,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { kind: 'response', status: res.status, headers: res.headers, text: await res.text() };
  } catch (err) {
    const e = err as Error & { cause?: Error };
    const reason =
      e.name === 'TimeoutError' ? `no answer within ${REQUEST_TIMEOUT_MS} ms` : `${e.message}${e.cause ? `: ${e.cause.message}` : ''}`;
    return { kind: 'no-answer', reason };
  }
}

/**
 * Why an answer breaks the fuzz's properties: no answer (a hang or a dropped connection), a 5xx, or a 4xx outside its
 * surface's error shape; undefined when it holds them.
 */
export function outcomeProblem(base: string, c: RequestCase, outcome: CaseOutcome): string | undefined {
  if (outcome.kind === 'no-answer') {
    // A server may answer an oversized or broken request early and close while the client still sends; the client
    // then sees the closed socket, not the answer. Anything else unanswered is a hang or a crash.
    if (c.malformed && /EPIPE|ECONNRESET|other side closed/.test(outcome.reason)) return undefined;
    return outcome.reason;
  }
  if (outcome.status >= 500) return `answered ${outcome.status}: ${outcome.text.slice(0, 300)}`;
  if (outcome.status >= 400) {
    const shape = errorShapeProblem(c.path, outcome, base);
    if (shape) return `answered ${outcome.status} outside the error shape (${shape}): ${outcome.text.slice(0, 300)}`;
  }
  return undefined;
}

/** The case as a reader can replay it: method, URL, headers and the start of the body. */
export function describeCase(base: string, c: RequestCase): string {
  const url = urlOf(base, c).replace(base, '');
  const body = c.body
    ? ` ${c.body.contentType ?? '(no content-type)'} body (${c.body.text.length} chars): ${JSON.stringify(c.body.text.slice(0, 300))}`
    : '';
  const headers = Object.keys(c.headers).length ? ` headers ${JSON.stringify(c.headers)}` : '';
  return `${c.method} ${url.length > 400 ? `${url.slice(0, 400)}…(${url.length} chars)` : url}${headers}${body}`;
}
