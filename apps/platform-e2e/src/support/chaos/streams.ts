/**
 * How a stream ended: its last event ended it normally (`end`: a stop reason) or reported the failure (`error-event`:
 * an SSE error event or a last result with stop_reason "error"), or the connection itself closed because the process
 * answering it died (`closed`: the client sees the end at once). Never allowed: `hung` (no byte and no end within the
 * deadline) and `truncated` (the stream ended after a result that was not the last, as if the text were complete).
 */
export type StreamOutcome = 'end' | 'error-event' | 'closed' | 'hung' | 'truncated';

export const TERMINAL_OUTCOMES: readonly StreamOutcome[] = ['end', 'error-event', 'closed'];

export interface RunningStream {
  /** Resolves once the first event arrived: the stream is in flight. */
  started: Promise<void>;
  outcome: Promise<StreamOutcome>;
}

const VERSION = '2024-05-31';

function classify(text: string): StreamOutcome {
  const events = text.split('\n\n').filter((e) => e.trim());
  const last = events.at(-1) ?? '';
  if (/^event: error$/m.test(last)) return 'error-event';
  const data = /^data: (.*)$/m.exec(last)?.[1];
  try {
    const reason = (JSON.parse(data ?? '') as { results?: { stop_reason?: string }[] }).results?.[0]?.stop_reason;
    if (reason === 'error') return 'error-event';
    return reason && reason !== 'not_finished' ? 'end' : 'truncated';
  } catch {
    return 'truncated';
  }
}

/** A watsonx.ai generation stream through the gateway, read to its end with a deadline on every read. */
export function startStream(o: {
  url: string;
  token: string;
  projectId: string;
  model: string;
  maxTokens: number;
  idleMs?: number;
}): RunningStream {
  let markStarted: () => void = () => undefined;
  let failStart: (e: unknown) => void = () => undefined;
  const started = new Promise<void>((resolve, reject) => {
    markStarted = resolve;
    failStart = reject;
  });
  const outcome = (async (): Promise<StreamOutcome> => {
    const res = await fetch(`${o.url}/ml/v1/text/generation_stream?version=${VERSION}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model_id: o.model,
        project_id: o.projectId,
        input: 'Once upon a time',
        parameters: { max_new_tokens: o.maxTokens },
      }),
    });
    if (res.status !== 200 || !res.body) throw new Error(`stream not started: ${res.status} ${await res.text()}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<'idle'>((resolve) => (timer = setTimeout(() => resolve('idle'), o.idleMs ?? 60_000)));
      let chunk: Awaited<ReturnType<typeof reader.read>> | 'idle';
      try {
        chunk = await Promise.race([reader.read(), idle]);
      } catch {
        return 'closed';
      } finally {
        clearTimeout(timer);
      }
      if (chunk === 'idle') {
        await reader.cancel().catch(() => undefined);
        return 'hung';
      }
      if (chunk.done) return classify(text);
      text += decoder.decode(chunk.value, { stream: true });
      markStarted();
    }
  })();
  outcome.then(
    () => markStarted(), // ended before its first event was seen: started and finished
    (err: unknown) => failStart(err),
  );
  return { started, outcome };
}
