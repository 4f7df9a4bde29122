/** One server-sent event frame: its `data` lines joined with newlines. */
export interface SseFrame {
  id?: string;
  event?: string;
  data: string;
}

/**
 * An incremental reader of a `text/event-stream` body (the WHATWG rules: lines end with CRLF, LF or CR, `:` starts a
 * comment, a blank line dispatches the frame, a frame without `data` is not dispatched). Push decoded text as it
 * arrives; chunks may split lines anywhere.
 */
export function createSseParser(onFrame: (frame: SseFrame) => void): { push(text: string): void; end(): void } {
  let buffer = '';
  let data: string[] = [];
  let id: string | undefined;
  let event: string | undefined;

  const dispatch = () => {
    if (data.length > 0) onFrame({ data: data.join('\n'), ...(id !== undefined ? { id } : {}), ...(event !== undefined ? { event } : {}) });
    data = [];
    event = undefined;
    // The id persists across frames (the stream's last event id), as EventSource keeps it.
  };
  const line = (text: string) => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
  };

  return {
    push(text: string) {
      buffer += text;
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer);
        // A lone CR at the end may be the first half of a CRLF: wait for the next chunk.
        if (!match || (match[0] === '\r' && match.index === buffer.length - 1)) break;
        line(buffer.slice(0, match.index));
        buffer = buffer.slice(match.index + match[0].length);
      }
    },
    end() {
      if (buffer.endsWith('\r')) {
        line(buffer.slice(0, -1));
        buffer = '';
      }
      // An unterminated last frame is dropped, as EventSource drops it.
      buffer = '';
      data = [];
    },
  };
}

/** Reads a fetch body as server-sent events until it ends (or the fetch's signal aborts it, which rejects). */
export async function readSse(body: ReadableStream<Uint8Array>, onFrame: (frame: SseFrame) => void): Promise<void> {
  const parser = createSseParser(onFrame);
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.push(decoder.decode(value, { stream: true }));
    }
    parser.push(decoder.decode());
    parser.end();
  } finally {
    reader.releaseLock();
  }
}
