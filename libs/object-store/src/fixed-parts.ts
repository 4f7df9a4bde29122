import type { Readable } from 'node:stream';

/**
 * Re-cuts a stream into Buffers of exactly `size` bytes (the last one shorter), because S3 multipart
 * parts other than the last must all be at least 5 MiB whatever chunk sizes the source happens to emit.
 * An empty stream yields one empty Buffer so that it still becomes an (empty) object.
 */
export async function* fixedParts(stream: Readable, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let yielded = false;
  for await (const chunk of stream) {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    while (pendingBytes + buf.length >= size) {
      const take = size - pendingBytes;
      pending.push(buf.subarray(0, take));
      yield Buffer.concat(pending, size);
      yielded = true;
      pending = [];
      pendingBytes = 0;
      buf = buf.subarray(take);
    }
    if (buf.length > 0) {
      pending.push(buf);
      pendingBytes += buf.length;
    }
  }
  if (pendingBytes > 0 || !yielded) yield Buffer.concat(pending, pendingBytes);
}
