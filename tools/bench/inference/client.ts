/**
 * The load generator's HTTP client for the fake-backend rows: plain node:http over keep-alive sockets, so that the
 * client's own CPU per request (which shares a core with the backend) stays small next to fetch's web-stream layers,
 * and so that thousands of streams can be held at once (no per-origin socket limit).
 */
import { Agent, request, type IncomingMessage } from 'node:http';

export const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });

export type Headers = Record<string, string>;

function send(url: string, body: unknown, headers: Headers, signal?: AbortSignal): Promise<IncomingMessage> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: payload === undefined ? 'GET' : 'POST',
        agent,
        signal,
        headers:
          payload === undefined
            ? headers
            : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      resolve,
    );
    req.once('error', reject);
    req.end(payload);
  });
}

/** One request read to its end; a non-200 answer throws with its body, so a refused request never counts as served. */
export async function call(url: string, body?: unknown, headers: Headers = {}): Promise<void> {
  const res = await send(url, body, headers);
  const parts: Buffer[] = [];
  for await (const b of res) parts.push(b as Buffer);
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${Buffer.concat(parts).toString('utf8').slice(0, 300)}`);
}

export interface StreamResult {
  /** ms from sending to the first SSE event carrying data. */
  firstMs: number;
  /** ms from sending to the end of the response. */
  totalMs: number;
  /** `data:` events before `[DONE]`. */
  events: number;
  /** Whether `data: [DONE]` arrived. */
  done: boolean;
}

/**
 * An SSE request followed to its end (or until `signal` aborts it). `onEvent` sees each data event as it arrives.
 * An event counts once its `data: ` line is complete, however the chunks split it.
 */
export async function stream(
  url: string,
  body: unknown,
  headers: Headers,
  signal?: AbortSignal,
  onEvent?: () => void,
): Promise<StreamResult> {
  const start = performance.now();
  const res = await send(url, body, { ...headers, accept: 'text/event-stream' }, signal);
  if (res.statusCode !== 200) {
    let text = '';
    for await (const b of res) text += String(b);
    throw new Error(`${url}: ${res.statusCode} ${text.slice(0, 300)}`);
  }
  let firstMs = NaN;
  let events = 0;
  let done = false;
  let tail = '';
  res.setEncoding('utf8');
  for await (const piece of res as AsyncIterable<string>) {
    const lines = (tail + piece).split('\n');
    tail = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('data: ')) continue;
      if (line === 'data: [DONE]') {
        done = true;
        continue;
      }
      if (events === 0) firstMs = performance.now() - start;
      events++;
      onEvent?.();
    }
  }
  return { firstMs, totalMs: performance.now() - start, events, done };
}
