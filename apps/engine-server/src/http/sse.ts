import type { ServerResponse } from 'node:http';

/**
 * Server-sent events on a raw response. vLLM frames events as `data: <json>` (with a space); TGI's axum
 * encoder writes `data:<json>` (no space); `spaced` picks the dialect. Writes respect back-pressure and become
 * no-ops once the client has gone.
 */
export class SseWriter {
  constructor(
    private readonly res: ServerResponse,
    private readonly spaced: boolean,
  ) {}

  open(): void {
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.res.flushHeaders();
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  async send(data: unknown): Promise<void> {
    if (this.closed) return;
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    if (this.res.write(`data:${this.spaced ? ' ' : ''}${payload}\n\n`)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  end(): void {
    if (!this.closed) this.res.end();
  }
}
