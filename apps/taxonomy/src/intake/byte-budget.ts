import { Transform, type TransformCallback } from 'node:stream';
import { UnsafeArchiveError } from './errors';

/**
 * Passes bytes through until more than `maxBytes` have gone by, then fails. Placed right after the gunzip
 * stage it stops a decompression bomb after inflating at most `maxBytes`, whatever the tar headers claim.
 */
export class ByteBudget extends Transform {
  private seen = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) {
      callback(new UnsafeArchiveError('archive-too-large', `archive inflates to more than ${this.maxBytes} bytes of tar data`));
      return;
    }
    callback(null, chunk);
  }
}
