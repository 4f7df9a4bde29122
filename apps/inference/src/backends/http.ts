import { asBackendError, backendErrorFor } from './backend-error';

/** POSTs JSON and returns the response once it is known to be a 2xx; failures become BackendErrors. */
export async function postJson(url: string, body: unknown, signal: AbortSignal, accept = 'application/json'): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify(body), signal });
  } catch (err) {
    throw asBackendError(err, signal);
  }
  if (!res.ok) throw backendErrorFor(res.status, await res.text().catch(() => ''));
  return res;
}

export async function readJson<T>(res: Response, signal: AbortSignal): Promise<T> {
  try {
    return (await res.json()) as T;
  } catch (err) {
    throw asBackendError(err, signal);
  }
}

export async function getText(url: string, signal: AbortSignal): Promise<{ status: number; text: string }> {
  try {
    const res = await fetch(url, { signal });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    throw asBackendError(err, signal);
  }
}

/**
 * The `data` payloads of a server-sent-event body, as they arrive. Accepts `data:` with or without the space
 * (TGI omits it) and stops yielding at vLLM's `[DONE]`.
 */
export async function* sseData(res: Response, signal: AbortSignal): AsyncGenerator<string> {
  if (!res.body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  // After [DONE] the body is still read to its end: leaving it early would cost the keep-alive connection.
  let done = false;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (done) continue;
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        const data = event
          .split(/\r?\n/)
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).replace(/^ /, ''))
          .join('\n');
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

/** Sum of the series with these names for one model in a Prometheus text exposition. */
export function sumSeries(exposition: string, names: string[], model: string): number | undefined {
  let total: number | undefined;
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    const name = line.slice(0, line.search(/[{ ]/));
    if (!names.includes(name)) continue;
    const label = /model_name="([^"]*)"/.exec(line)?.[1];
    if (label !== undefined && label !== model) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}
