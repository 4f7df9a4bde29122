import type { PublicEvent } from '@platform/api-types';

/**
 * A test client of the gateway's `GET /v1/events` over fetch (Node has no EventSource): it parses the SSE frames as the HTML
 * standard says (fields per line, an event per blank line, `:` comments), keeps every event and counts comments.
 */
export class EventStreamClient {
  readonly events: PublicEvent[] = [];
  comments = 0;
  ended = false;
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly abort: AbortController,
    readonly status: number,
    readonly headers: Headers,
  ) {}

  /** Opens the stream; a refusal resolves with the status and the envelope instead. */
  static async open(url: string, headers: Record<string, string>): Promise<EventStreamClient | EventStreamRefusal> {
    const abort = new AbortController();
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
    if (res.status !== 200) return { status: res.status, body: (await res.json()) as ErrorBody };
    const client = new EventStreamClient(abort, res.status, res.headers);
    void client.read(res.body!);
    return client;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          this.frame(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch {
      // aborted by close()
    } finally {
      this.ended = true;
      this.notify();
    }
  }

  private frame(text: string): void {
    let id: string | undefined;
    const data: string[] = [];
    for (const line of text.split('\n')) {
      if (line.startsWith(':')) this.comments += 1;
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length) {
      const event = JSON.parse(data.join('\n')) as PublicEvent;
      if (event.id !== id) throw new Error(`frame id ${id} differs from the event's ${event.id}`);
      this.events.push(event);
    }
    this.notify();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves once `done()` holds, checked after every frame; rejects after `timeoutMs` naming what it saw. */
  until(done: (c: EventStreamClient) => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    if (done(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done(this)) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`${what}: not within ${timeoutMs} ms; received ${this.events.map((e) => `${e.id}:${e.type}`).join(' ')}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  get lastId(): string | undefined {
    return this.events.at(-1)?.id;
  }

  close(): void {
    this.abort.abort();
  }
}

export interface EventStreamRefusal {
  status: number;
  body: ErrorBody;
}

export interface ErrorBody {
  errors: { code: string; message: string; target?: { type: string; name: string } }[];
  status_code: number;
  trace: string;
}
