import type { EventEnvelope } from './envelope';
import { InvalidEventError } from './errors';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeEvent(event: EventEnvelope): Uint8Array {
  return encoder.encode(JSON.stringify(event));
}

/** Parses and checks a message body; throws `InvalidEventError` for anything that is not an envelope. */
export function decodeEvent(body: Uint8Array): EventEnvelope {
  let v: unknown;
  try {
    v = JSON.parse(decoder.decode(body));
  } catch (e) {
    throw new InvalidEventError(`event body is not JSON: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null) throw new InvalidEventError('event body is not an object');
  const o = v as Record<string, unknown>;
  for (const k of ['id', 'type', 'subject', 'occurredAt'] as const) {
    if (typeof o[k] !== 'string' || (o[k] as string).length === 0) throw new InvalidEventError(`event field ${k} missing`);
  }
  if (!('data' in o)) throw new InvalidEventError('event field data missing');
  if (o.traceId !== undefined && typeof o.traceId !== 'string') throw new InvalidEventError('event field traceId is not a string');
  return o as unknown as EventEnvelope;
}
