import { describe, expect, it } from 'vitest';
import { createSseParser, type SseFrame } from './sse';

function parse(chunks: string[]): SseFrame[] {
  const frames: SseFrame[] = [];
  const parser = createSseParser((f) => frames.push(f));
  for (const c of chunks) parser.push(c);
  parser.end();
  return frames;
}

describe('createSseParser', () => {
  it('reads the frames GET /v1/events sends: the subscribed comment, id + data frames, keep-alives', () => {
    const body = ': subscribed\n\nid: 41\ndata: {"id":"41"}\n\n: keep-alive\n\nid: 42\ndata: {"id":"42"}\n\n';
    expect(parse([body])).toEqual([
      { id: '41', data: '{"id":"41"}' },
      { id: '42', data: '{"id":"42"}' },
    ]);
  });

  it('gives the same frames however the body is split, CRLF and CR line ends included', () => {
    const body = 'event: message\r\ndata: one\r\ndata: two\r\n\r\nid: 7\rdata: three\r\r';
    const whole = parse([body]);
    expect(whole).toEqual([
      { event: 'message', data: 'one\ntwo' },
      { id: '7', data: 'three' },
    ]);
    for (let i = 1; i < body.length; i++) expect(parse([body.slice(0, i), body.slice(i)]), `split at ${i}`).toEqual(whole);
    expect(parse([...body])).toEqual(whole);
  });

  it('keeps the last id for later frames, strips one leading space, and drops a frame without data or never terminated', () => {
    expect(parse(['id: 3\n\ndata:  x\n\nid: 4\nevent: e\n\ndata: cut'])).toEqual([{ id: '3', data: ' x' }]);
  });
});
