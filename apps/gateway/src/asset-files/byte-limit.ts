import { Transform, type TransformCallback } from 'node:stream';

/** Raised by the stream of `byteLimit` once more than its bytes went through. */
export class ByteLimitError extends Error {
  constructor(readonly maxBytes: number) {
    super(`more than ${maxBytes} bytes`);
    this.name = 'ByteLimitError';
  }
}

/**
 * Passes bytes through until more than `maxBytes` went by, then fails with ByteLimitError, so an upload whose client
 * sent no (or a false) Content-Length is cut off at the limit instead of being stored.
 */
export function byteLimit(maxBytes: number): Transform & { readonly bytes: number } {
  let bytes = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      bytes += chunk.length;
      if (bytes > maxBytes) return done(new ByteLimitError(maxBytes));
      done(null, chunk);
    },
  });
  return Object.defineProperty(t, 'bytes', { get: () => bytes }) as Transform & { readonly bytes: number };
}
