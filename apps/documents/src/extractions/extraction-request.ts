import { PlatformError, dataReferenceKey, type DataReference, type StorageContainer } from '@platform/common';

const MAX_REQUEST_CHARS = 64 << 10;
export const MAX_NAME_CHARS = 255;

/** The request's entity fields: a JSON object of at most 64 KiB. */
export function requestEntity(json: string): Record<string, unknown> {
  if (json.length > MAX_REQUEST_CHARS) throw PlatformError.invalid(`The request must be at most ${MAX_REQUEST_CHARS} characters of JSON.`);
  let v: unknown;
  try {
    v = JSON.parse(json === '' ? '{}' : json);
  } catch {
    throw PlatformError.invalid('The request must be a JSON object.');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw PlatformError.invalid('The request must be a JSON object.');
  const entity = v as Record<string, unknown>;
  const custom = entity.custom;
  if (custom !== undefined && custom !== null && (typeof custom !== 'object' || Array.isArray(custom)))
    throw PlatformError.invalid('custom must be an object.', 'custom');
  return entity;
}

/** A required data reference field of the request, as its object (type, location, connection). */
function referenceAt(entity: Record<string, unknown>, field: string): DataReference {
  const v = entity[field];
  if (v === undefined || v === null) throw PlatformError.invalid(`${field} is required.`, field);
  if (typeof v !== 'object' || Array.isArray(v)) throw PlatformError.invalid(`${field} must be an object.`, field);
  const o = v as Record<string, unknown>;
  if (typeof o.type !== 'string') throw PlatformError.invalid(`${field}.type is required.`, `${field}.type`);
  if (o.location !== undefined && (typeof o.location !== 'object' || o.location === null || Array.isArray(o.location)))
    throw PlatformError.invalid(`${field}.location must be an object.`, `${field}.location`);
  return { type: o.type, location: o.location as Record<string, unknown> | undefined };
}

/** The document's and the results' bucket keys, both inside the container's own storage (else a 400 naming the field). */
export function referenceKeys(container: StorageContainer, entity: Record<string, unknown>): { documentKey: string; resultsKey: string } {
  const documentKey = dataReferenceKey(container, referenceAt(entity, 'document_reference'), 'document_reference');
  if (documentKey.endsWith('/'))
    throw PlatformError.invalid('document_reference must name a file, not a directory.', 'document_reference.location.path');
  const resultsKey = dataReferenceKey(container, referenceAt(entity, 'results_reference'), 'results_reference');
  return { documentKey, resultsKey };
}

/** The path as the caller wrote it, for messages. */
export function referencePath(entity: Record<string, unknown>, field: string): string {
  const location = (entity[field] as { location?: Record<string, unknown> } | undefined)?.location;
  const path = location?.path ?? location?.file_name;
  return typeof path === 'string' ? path : '';
}
