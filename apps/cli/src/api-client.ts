import { ApiError } from './api-error';
import type { ApiConfig } from './config';
import { sseData } from './sse';

/** The gateway could not be reached at all (refused, DNS, TLS…). */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

export type Json = Record<string, unknown>;

/** The gateway's REST API, authenticated with a bearer token (given, or exchanged once for the API key). */
export class ApiClient {
  private token: Promise<string> | undefined;

  constructor(private readonly config: ApiConfig) {}

  get projectId(): string | undefined {
    return this.config.projectId;
  }

  async get<T = Json>(path: string): Promise<T> {
    return (await this.send('GET', path)) as T;
  }

  async post<T = Json>(path: string, body?: unknown): Promise<T> {
    return (await this.send('POST', path, body)) as T;
  }

  /** DELETE and cancel answer 204 with no body. */
  async delete(path: string): Promise<void> {
    await this.send('DELETE', path);
  }

  /**
   * POSTs and yields each server-sent event's JSON as it arrives (a streaming text route). An error answered before
   * the stream starts is an ApiError, as for any other call.
   */
  async *stream<T = Json>(path: string, body: unknown, signal?: AbortSignal): AsyncGenerator<T> {
    const token = await this.bearer();
    const res = await this.open('POST', path, body, { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal);
    if (!res.ok || !res.body) {
      const text = await res.text();
      throw new ApiError('POST', path, res.status, parseBody(text, res.headers.get('content-type')));
    }
    for await (const data of sseData(res.body)) yield JSON.parse(data) as T;
  }

  /** Exchanges the API key now, so a wrong key fails before any other work (an upload) is done. */
  async authenticate(): Promise<void> {
    await this.bearer();
  }

  private async send(method: string, path: string, body?: unknown): Promise<unknown> {
    const token = await this.bearer();
    return this.call(method, path, body, { authorization: `Bearer ${token}` });
  }

  private bearer(): Promise<string> {
    const c = this.config.credentials;
    if (c.kind === 'token') return Promise.resolve(c.token);
    this.token ??= this.call('POST', '/icp4d-api/v1/authorize', { username: c.username, api_key: c.apiKey }, {}).then((res) => {
      const token = (res as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string') throw new ConnectionError(`${this.config.url}/icp4d-api/v1/authorize answered without a token.`);
      return token;
    });
    return this.token;
  }

  private async call(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<unknown> {
    const res = await this.open(method, path, body, headers);
    const text = await res.text();
    const parsed = parseBody(text, res.headers.get('content-type'));
    if (!res.ok) throw new ApiError(method, path, res.status, parsed);
    return parsed;
  }

  private async open(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Response> {
    const init: RequestInit = { method, headers: { accept: 'application/json', ...headers }, signal };
    if (body !== undefined) {
      init.headers = { ...init.headers, 'content-type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    try {
      return await fetch(`${this.config.url}${path}`, init);
    } catch (err) {
      if (signal?.aborted) throw err;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ConnectionError(`Cannot reach ${this.config.url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
  }
}

function parseBody(text: string, contentType: string | null): unknown {
  if (!text) return undefined;
  if (!contentType?.includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
