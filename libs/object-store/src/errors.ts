/** The object a caller asked for is not in the bucket; callers turn this into their own 404. */
export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
  constructor(
    readonly key: string,
    readonly bucket: string,
    options?: { cause?: unknown },
  ) {
    super(`object not found: s3://${bucket}/${key}`, options);
  }
}

/** Raised instead of buffering an object bigger than the caller can afford to hold in memory. */
export class ObjectTooLargeError extends Error {
  override readonly name = 'ObjectTooLargeError';
  constructor(
    readonly key: string,
    /** Known size, or the number of bytes seen when the limit was crossed if the server sent no length. */
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`object ${key} is larger than ${maxBytes} bytes (${size}${size > maxBytes ? '' : '+'})`);
  }
}
