import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One recorded exchange with the Kubernetes API (or another HTTP server a test replays): what the client sent and what
 * the server answered. A `text` response is sent as is (`text/plain`: pod logs, Prometheus metrics); a `body` as JSON.
 */
export interface RecordedExchange {
  request: { method: string; path: string; query?: Record<string, string> };
  response: { status: number; body?: unknown; text?: string };
}

export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

/**
 * Replays recorded exchanges in order. Each request must be the next recorded one (method, path and the recorded
 * query parameters); anything else is answered 500 and kept in `mismatches`, so a test sees exactly which call the
 * client got wrong.
 */
export class ReplayServer {
  readonly received: ReceivedRequest[] = [];
  readonly mismatches: string[] = [];
  private next = 0;
  private server: Server | undefined;

  constructor(
    private readonly exchanges: RecordedExchange[],
    private readonly onServed?: (index: number) => Promise<void> | void,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  get remaining(): number {
    return this.exchanges.length - this.next;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body, text }) => {
        res.writeHead(status, { 'content-type': text !== undefined ? 'text/plain; charset=utf-8' : 'application/json' });
        res.end(text ?? JSON.stringify(body));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  private async handle(req: IncomingMessage): Promise<RecordedExchange['response']> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const sent = Buffer.concat(chunks).toString('utf8');
    const got: ReceivedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: sent ? (JSON.parse(sent) as unknown) : undefined,
    };
    this.received.push(got);
    const want = this.exchanges[this.next];
    const queryOk = want && Object.entries(want.request.query ?? {}).every(([k, v]) => got.query[k] === v);
    if (!want || want.request.method !== got.method || want.request.path !== got.path || !queryOk) {
      this.mismatches.push(
        `#${this.next}: got ${got.method} ${req.url}, recorded ${want ? `${want.request.method} ${want.request.path}` : 'nothing'}`,
      );
      return { status: 500, body: { kind: 'Status', status: 'Failure', message: 'unexpected request' } };
    }
    const index = this.next++;
    await this.onServed?.(index);
    return want.response;
  }
}
