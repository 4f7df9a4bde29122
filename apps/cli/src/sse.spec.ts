import { describe, expect, it } from 'vitest';
import { sseData } from './sse';

async function collect(chunks: string[]): Promise<string[]> {
  const enc = new TextEncoder();
  const body = (async function* () {
    for (const c of chunks) yield enc.encode(c);
  })();
  const out: string[] = [];
  for await (const d of sseData(body)) out.push(d);
  return out;
}

describe('sseData', () => {
  it('yields each event of the gateway framing, whatever the chunk boundaries', async () => {
    const text = 'id: 1\nevent: message\ndata: {"a":1}\n\nid: 2\nevent: message\ndata: {"b":"é"}\n\n';
    expect(await collect([text])).toEqual(['{"a":1}', '{"b":"é"}']);
    // Every split point, including inside the two-byte é and between the two LFs.
    const bytes = Buffer.from(text);
    for (let i = 1; i < bytes.length; i++) {
      const dec = new TextDecoder('latin1');
      const parts = [dec.decode(bytes.subarray(0, i)), dec.decode(bytes.subarray(i))].map((p) => Buffer.from(p, 'latin1'));
      const body = (async function* () {
        for (const p of parts) yield new Uint8Array(p);
      })();
      const got: string[] = [];
      for await (const d of sseData(body)) got.push(d);
      expect(got, `split at ${i}`).toEqual(['{"a":1}', '{"b":"é"}']);
    }
  });

  it('joins multi-line data, takes CR LF and CR line ends, skips comments and data-less events', async () => {
    expect(await collect([': keep-alive\r\n\r\ndata: x\r', '\ndata:y\r\rdata: last'])).toEqual(['x\ny', 'last']);
  });
});
