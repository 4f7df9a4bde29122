import { Readable } from 'node:stream';
import { InvalidArchiveError } from './errors';

export interface TarSource {
  /** The archive bytes as they came (still compressed when `gzip`), from the first byte on. */
  raw: Readable;
  gzip: boolean;
}

// Enough to recognise every format below; a real tar is at least one 512-byte header.
const SNIFF_BYTES = 6;
const MAGIC: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
];

function startsWith(head: Buffer, magic: readonly number[]): boolean {
  return head.length >= magic.length && magic.every((byte, i) => head[i] === byte);
}

async function* replay(head: Buffer[], rest: AsyncIterator<unknown>): AsyncGenerator<Buffer> {
  try {
    yield* head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield toBuffer(next.value);
  } finally {
    // Reached early when the consumer gives up; returning the stream's iterator destroys the stream.
    await rest.return?.();
  }
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk);
  if (typeof chunk === 'string') return Buffer.from(chunk);
  throw new InvalidArchiveError('archive stream yielded something other than bytes');
}

/**
 * Reads the first bytes to tell gzip from plain tar (users upload both, and file names cannot be trusted),
 * then hands back a stream that still starts at byte 0. Formats we recognise but do not read get a clear
 * message instead of "invalid tar header".
 */
export async function openTarStream(input: Readable): Promise<TarSource> {
  const iterator = input[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let length = 0;
  while (length < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = toBuffer(next.value);
    head.push(chunk);
    length += chunk.length;
  }
  if (length < SNIFF_BYTES) {
    await iterator.return?.();
    throw new InvalidArchiveError(length === 0 ? 'archive is empty' : `archive is only ${length} bytes long`);
  }
  const first = Buffer.concat(head);
  const unsupported = MAGIC.find(([, magic]) => startsWith(first, magic));
  if (unsupported) {
    await iterator.return?.();
    throw new InvalidArchiveError(`archive is ${unsupported[0]}-compressed; upload a .tar.gz or .tar`);
  }
  // Readable.from's destroy() ends the generator, whose return() in turn destroys `input`.
  return { raw: Readable.from(replay(head, iterator), { objectMode: false }), gzip: first[0] === 0x1f && first[1] === 0x8b };
}
