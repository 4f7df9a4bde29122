/**
 * The `data:` payloads of a server-sent event stream, one per event, as they arrive. The gateway frames each event
 * as `id: N\nevent: message\ndata: <json>\n\n`; per the SSE rules several data lines of one event are joined with
 * "\n", CR LF and CR end lines too, and lines starting with ":" are comments.
 */
export async function* sseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  const lines = function* (final: boolean): Generator<string> {
    for (;;) {
      const end = buffer.search(/\r\n|\r|\n/);
      // A lone CR at the end of a chunk may be the first half of CR LF: wait for the next chunk.
      if (end < 0 || (!final && end === buffer.length - 1 && buffer[end] === '\r')) break;
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
      yield line;
    }
  };
  const take = function* (line: string): Generator<string> {
    if (line === '') {
      if (data.length > 0) yield data.join('\n');
      data = [];
    } else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (const line of lines(false)) yield* take(line);
  }
  buffer += decoder.decode();
  for (const line of lines(true)) yield* take(line);
  // A stream cut after its last data line still delivers that event.
  if (buffer) yield* take(buffer);
  yield* take('');
}
