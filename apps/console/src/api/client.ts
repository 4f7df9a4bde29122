import { apiErrorOf } from './api-error';
import { sessionStore } from './session-store';
import { urlOf, type QueryValue } from './url';

export { ApiError } from './api-error';
export { urlOf } from './url';

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Query parameters; undefined and null are left out, arrays are joined with commas (as the API's lists read them). */
  query?: Record<string, QueryValue>;
  /** JSON unless it is a FormData, Blob, URLSearchParams, ArrayBuffer or ReadableStream (sent as it is). */
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** false: send no token and never wait for a sign-in (the sign-in routes themselves). */
  auth?: boolean;
}

const TRACE_HEADER = 'x-global-transaction-id';

const passThrough = (b: unknown): b is BodyInit =>
  b instanceof FormData || b instanceof Blob || b instanceof URLSearchParams || b instanceof ArrayBuffer || b instanceof ReadableStream;

/**
 * One fetch to the gateway with the session's token. A 401 on a token that was accepted before (it expired or was
 * revoked) parks the call until the user signs in again over the current page, then sends it once more with the new
 * token; any other refusal throws an ApiError.
 */
export async function apiFetch(path: string, req: ApiRequest = {}): Promise<Response> {
  const { method = req.body === undefined ? 'GET' : 'POST', query, body, signal, auth = true } = req;
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  let payload: BodyInit | undefined;
  if (body !== undefined) {
    if (passThrough(body)) payload = body;
    else {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
  }
  for (;;) {
    const token = auth ? sessionStore.get().token : null;
    const res = await fetch(urlOf(path, query), {
      method,
      headers: token ? { ...headers, authorization: `Bearer ${token}` } : headers,
      body: payload,
      signal,
      ...(payload instanceof ReadableStream ? { duplex: 'half' } : {}),
    });
    if (res.ok) return res;
    const text = await res.text();
    if (res.status === 401 && token && !(payload instanceof ReadableStream)) {
      await sessionStore.whenSignedInAgain(token);
      signal?.throwIfAborted();
      continue;
    }
    throw apiErrorOf(res.status, text, res.headers.get(TRACE_HEADER));
  }
}

/** A JSON call to the gateway: the parsed answer (undefined for 204), or an ApiError. */
export async function api<T>(path: string, req: ApiRequest = {}): Promise<T> {
  const res = await apiFetch(path, req);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}
