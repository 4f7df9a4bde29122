import { StringDecoder } from 'node:string_decoder';
import { startHttpClientSpan } from '@platform/telemetry';
import { Pool, type Dispatcher } from 'undici';
import { asBackendError, backendErrorFor } from './backend-error';

/**
 * Backend HTTP through undici's Pool (keep-alive, one request at a time per connection) rather than global fetch:
 * fetch's WHATWG Request/Response/web-stream layers cost more CPU per call than the model server's own work on a
 * short generation.
 */
export type BackendResponse = Dispatcher.ResponseData;

interface Target {
  pool: Pool;
  /** Path prefix of the base URL ('' for a bare origin). */
  prefix: string;
  origin: string;
}

const targets = new Map<string, Target>();

function targetOf(base: string): Target {
  let target = targets.get(base);
  if (!target) {
    const url = new URL(base);
    // pipelining 1: keep-alive without pipelining, so one slow generation never holds up another's response.
    target = { pool: new Pool(url.origin, { pipelining: 1 }), prefix: url.pathname.replace(/\/+$/, ''), origin: url.origin };
    targets.set(base, target);
  }
  return target;
}

/** Closes every backend connection pool (service shutdown, tests). */
export async function closeBackendPools(): Promise<void> {
  const all = [...targets.values()];
  targets.clear();
  await Promise.all(all.map((t) => t.pool.close().catch(() => undefined)));
}

/**
 * POSTs JSON to `base` + `path` and returns the response once it is known to be a 2xx; failures become BackendErrors.
 * When tracing, the call is a CLIENT span (its `traceparent` sent along) that lasts until the body is read, so a
 * stream's span covers the whole generation.
 */
export async function postJson(
  base: string,
  path: string,
  body: unknown,
  signal: AbortSignal,
  accept = 'application/json',
): Promise<BackendResponse> {
  const { pool, prefix, origin } = targetOf(base);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept };
  const span = startHttpClientSpan('POST', origin, prefix + path, path);
  let res: BackendResponse;
  try {
    res = await pool.request({
      method: 'POST',
      path: prefix + path,
      headers: span ? { ...headers, ...span.headers } : headers,
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    span?.end(undefined, err);
    throw asBackendError(err, signal);
  }
  if (span) res.body.once('close', () => span.end(res.statusCode));
  if (res.statusCode < 200 || res.statusCode >= 300) throw backendErrorFor(res.statusCode, await res.body.text().catch(() => ''));
  return res;
}

export async function readJson<T>(res: BackendResponse, signal: AbortSignal): Promise<T> {
  try {
    return (await res.body.json()) as T;
  } catch (err) {
    throw asBackendError(err, signal);
  }
}

export async function getText(base: string, path: string, signal: AbortSignal): Promise<{ status: number; text: string }> {
  const { pool, prefix } = targetOf(base);
  try {
    const res = await pool.request({ method: 'GET', path: prefix + path, signal });
    return { status: res.statusCode, text: await res.body.text() };
  } catch (err) {
    throw asBackendError(err, signal);
  }
}

/** The `data` value of one event (its `data:` lines joined by newlines), without the optional space after the colon. */
function dataOf(event: string): string {
  if (event.startsWith('data:') && !event.includes('\n')) return event.charCodeAt(5) === 32 ? event.slice(6) : event.slice(5);
  const lines: string[] = [];
  for (const line of event.split('\n')) if (line.startsWith('data:')) lines.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
  return lines.join('\n');
}

/**
 * The `data` payloads of a server-sent-event body, as they arrive. Accepts `data:` with or without the space
 * (TGI omits it), CRLF or LF line ends, and stops yielding at vLLM's `[DONE]`.
 */
export async function* sseData(res: BackendResponse, signal: AbortSignal): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  // A CR at the end of a chunk may be the first half of a CRLF split across chunks.
  let heldCr = false;
  // After [DONE] the body is still read to its end: leaving it early would cost the keep-alive connection.
  let done = false;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (done) continue;
      let text = decoder.write(chunk);
      if (heldCr) text = `\r${text}`;
      heldCr = text.endsWith('\r');
      if (heldCr) text = text.slice(0, -1);
      buffer += text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = dataOf(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (data === '[DONE]') {
          done = true;
          break;
        }
        if (data) yield data;
      }
    }
  } catch (err) {
    throw asBackendError(err, signal);
  }
}
