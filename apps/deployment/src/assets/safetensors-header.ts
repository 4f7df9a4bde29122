import type { Readable } from 'node:stream';

/**
 * The safetensors header: an 8-byte little-endian length, then that many bytes of JSON naming each tensor's dtype
 * and shape. Only those bytes are read (the stream is closed after them), so counting a model's parameters costs a
 * few kilobytes per weight file, never the weights.
 */
export interface TensorInfo {
  dtype: string;
  shape: number[];
}

/** The format's own reference reader refuses headers above 100 MB; real ones are kilobytes to a few megabytes. */
export const MAX_SAFETENSORS_HEADER_BYTES = 16 << 20;

export class SafetensorsHeaderError extends Error {
  override name = 'SafetensorsHeaderError';
}

/** Reads the header at the start of `body` and closes it; `maxBytes` bounds the JSON read into memory. */
export async function readSafetensorsHeader(body: Readable, maxBytes = MAX_SAFETENSORS_HEADER_BYTES): Promise<Map<string, TensorInfo>> {
  const chunks: Buffer[] = [];
  let have = 0;
  let need = 8;
  let headerLength: number | undefined;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      have += chunk.length;
      if (headerLength === undefined && have >= 8) {
        const length = Buffer.concat(chunks).readBigUInt64LE(0);
        if (length === 0n || length > BigInt(maxBytes))
          throw new SafetensorsHeaderError(`header length ${length} is outside 1..${maxBytes} bytes`);
        headerLength = Number(length);
        need = 8 + headerLength;
      }
      if (headerLength !== undefined && have >= need) break;
    }
  } finally {
    // Leaving the loop early does this too; a stream that ended or failed is closed all the same.
    body.destroy();
  }
  if (headerLength === undefined || have < need) throw new SafetensorsHeaderError('the file ends inside its header');
  return parseHeader(Buffer.concat(chunks).subarray(8, need));
}

function parseHeader(json: Buffer): Map<string, TensorInfo> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch {
    throw new SafetensorsHeaderError('the header is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new SafetensorsHeaderError('the header is not a JSON object');
  const tensors = new Map<string, TensorInfo>();
  for (const [name, entry] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const { dtype, shape } = (entry ?? {}) as { dtype?: unknown; shape?: unknown };
    if (typeof dtype !== 'string' || !Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0))
      throw new SafetensorsHeaderError(`tensor ${JSON.stringify(name.slice(0, 100))} has no valid dtype and shape`);
    tensors.set(name, { dtype, shape: shape as number[] });
  }
  return tensors;
}

/** The number of parameters: each tensor's element count (the product of its shape; a scalar counts 1), summed. */
export function parameterCount(tensors: Iterable<TensorInfo>): number {
  let total = 0;
  for (const t of tensors) total += t.shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(total)) throw new SafetensorsHeaderError('the parameter count is beyond 2^53');
  return total;
}
