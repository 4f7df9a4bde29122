import type { PlatformSecrets } from '@platform/launcher';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A thin HTTP client for the gateway that logs users in and keeps their tokens. */
export class Api {
  private readonly tokens = new Map<string, string>();

  constructor(
    readonly url: string,
    private readonly secrets: PlatformSecrets,
  ) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    opts: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    const res = await fetch(`${this.url}${path}`, { method, headers, body });
    const text = await res.text();
    const parsed = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  async login(username: string, password: string): Promise<string> {
    const res = await this.request<{ token: string }>('POST', '/icp4d-api/v1/authorize', { body: { username, password } });
    if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    this.tokens.set(username, res.body.token);
    return res.body.token;
  }

  async adminToken(): Promise<string> {
    return this.tokens.get('admin') ?? this.login('admin', this.secrets.adminPassword);
  }

  /** Creates a user (as admin) and returns its token. */
  async newUser(username: string): Promise<string> {
    const res = await this.request('POST', '/v2/users', {
      token: await this.adminToken(),
      body: { username, password: `${username}-password` },
    });
    if (res.status !== 201) throw new Error(`creating ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return this.login(username, `${username}-password`);
  }

  async newProject(token: string, name = 'p'): Promise<string> {
    const res = await this.request<{ metadata: { guid: string } }>('POST', '/v2/projects', { token, body: { name } });
    if (res.status !== 201) throw new Error(`creating project failed: ${res.status}`);
    return res.body.metadata.guid;
  }
}

/** Asserts the IBM error envelope shape and returns its first error. */
export function envelopeOf(res: ApiResponse<unknown>): { code: string; message: string; target?: { type: string; name: string } } {
  const body = res.body as {
    errors?: { code: string; message: string; more_info: string; target?: { type: string; name: string } }[];
    trace?: string;
    status_code?: number;
  };
  if (!Array.isArray(body.errors) || body.errors.length === 0 || typeof body.trace !== 'string' || body.status_code !== res.status) {
    throw new Error(`not an IBM error envelope (${res.status}): ${JSON.stringify(res.body)}`);
  }
  for (const e of body.errors)
    if (typeof e.code !== 'string' || typeof e.message !== 'string' || typeof e.more_info !== 'string')
      throw new Error('envelope error lacks code/message/more_info');
  if (res.headers.get('x-global-transaction-id') !== body.trace) throw new Error('trace does not match X-Global-Transaction-Id');
  return body.errors[0];
}
