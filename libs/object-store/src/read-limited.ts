import type { Readable } from 'node:stream';

/** Signals that a stream went past its byte budget; the caller maps it to its own error. */
export class ByteLimitExceeded extends Error {
  constructor(readonly seen: number) {
    super(`stream exceeded its byte limit after ${seen} bytes`);
  }
}

/**
 * Collects a stream into one Buffer but stops, and destroys the stream, as soon as it goes past `maxBytes`,
 * so a server that lies about (or omits) Content-Length still cannot make us buffer more than asked.
 */
export async function readLimited(stream: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let seen = 0;
  try {
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      seen += buf.length;
      if (seen > maxBytes) throw new ByteLimitExceeded(seen);
      chunks.push(buf);
    }
  } finally {
    // Leaving the loop early already destroys the stream; this covers the error path explicitly.
    if (!stream.destroyed && seen > maxBytes) stream.destroy();
  }
  return Buffer.concat(chunks, seen);
}
