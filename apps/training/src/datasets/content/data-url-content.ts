import { PlatformError } from '@platform/common';
import { FIELD } from '../dataset-fields';
import { MAX_DATASET_BYTES } from '../dataset-settings';
import { tooLarge, type RowFormat } from '../row-format';

/** Media types of inline rows: a JSON array of row objects, or JSON Lines. */
const FORMATS: Record<string, RowFormat> = {
  'application/json': 'json',
  'application/jsonl': 'jsonl',
  'application/x-ndjson': 'jsonl',
  'text/plain': 'jsonl',
};

/**
 * The bytes and row format of a `data:` URL (RFC 2397, base64 or percent-encoded). Decoding is the WHATWG data: URL
 * processor of Node's fetch, which never touches the network for this scheme.
 */
export async function readDataUrl(contentUrl: string): Promise<{ bytes: Buffer; format: RowFormat }> {
  // A memory guard before decoding: percent-encoding yields at least one byte per 3 characters, base64 3 per 4, so
  // a longer URL cannot hold a dataset within the limit (the decoded size is checked below either way).
  if (contentUrl.length > 3 * MAX_DATASET_BYTES + 1024) throw tooLarge();
  let res: Response;
  try {
    res = await fetch(contentUrl);
  } catch {
    throw PlatformError.invalid(`${FIELD.contentUrl} is not a valid data: URL (data:<media type>[;base64],<rows>).`, FIELD.contentUrl);
  }
  const mediaType = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const format = FORMATS[mediaType];
  if (!format)
    throw PlatformError.invalid(
      `${FIELD.contentUrl}: a data: URL's media type must be ${Object.keys(FORMATS).join(', ')}, got ${JSON.stringify(mediaType)}.`,
      FIELD.contentUrl,
    );
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > MAX_DATASET_BYTES) throw tooLarge();
  return { bytes, format };
}
