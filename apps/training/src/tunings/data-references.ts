import { PlatformError, dataReferenceKey, type DataReference, type StorageContainer } from '@platform/common';
import type { ObjectStore } from '@platform/object-store';
import { MAX_TRAINING_DATA_BYTES, parseTrainingRecords, type RecordShapes, type TrainingRecord } from './training-data';

/** Caps the references a request may carry (each is a file read whole). */
export const MAX_DATA_REFERENCES = 20;

/** A request's `*_data_references` JSON (an array of {type, location, …}); a bad shape is a 400 naming `field`. */
export function parseDataReferences(json: string, field: string, required: boolean): DataReference[] {
  if (json.trim() === '') {
    if (required) throw PlatformError.invalid(`${field} is required.`, field);
    return [];
  }
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw PlatformError.invalid(`${field} must be a JSON array of data references.`, field);
  }
  if (!Array.isArray(v)) throw PlatformError.invalid(`${field} must be an array of data references.`, field);
  if (required && v.length === 0) throw PlatformError.invalid(`${field} must hold at least one data reference.`, field);
  if (v.length > MAX_DATA_REFERENCES) throw PlatformError.invalid(`${field} may hold at most ${MAX_DATA_REFERENCES} references.`, field);
  return v.map((r, i) => dataReferenceOf(r, `${field}[${i}]`));
}

export function dataReferenceOf(r: unknown, field: string): DataReference {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw PlatformError.invalid(`${field} must be an object.`, field);
  const o = r as Record<string, unknown>;
  if (typeof o.type !== 'string') throw PlatformError.invalid(`${field}.type is required.`, `${field}.type`);
  for (const k of ['location', 'connection'] as const)
    if (o[k] !== undefined && (typeof o[k] !== 'object' || o[k] === null || Array.isArray(o[k])))
      throw PlatformError.invalid(`${field}.${k} must be an object.`, `${field}.${k}`);
  if (o.id !== undefined && typeof o.id !== 'string') throw PlatformError.invalid(`${field}.id must be a string.`, `${field}.id`);
  return {
    type: o.type,
    ...(o.id !== undefined ? { id: o.id as string } : {}),
    ...(o.location !== undefined ? { location: o.location as Record<string, unknown> } : {}),
    ...(o.connection !== undefined ? { connection: o.connection as Record<string, unknown> } : {}),
  };
}

/**
 * Reads every referenced file from the container's storage and parses its records: a missing file, a directory, more
 * than MAX_TRAINING_DATA_BYTES in all, or a bad record is a 400 naming `<field>[i]`. Used when a job is created
 * (nothing is queued for bad data) and by the worker, which writes the records as one JSONL for the engine.
 */
export async function readTrainingData(
  store: ObjectStore,
  container: StorageContainer,
  refs: readonly DataReference[],
  shapes: RecordShapes,
  field = 'training_data_references',
): Promise<TrainingRecord[]> {
  const keys = refs.map((r, i) => {
    const key = dataReferenceKey(container, r, `${field}[${i}]`);
    if (key.endsWith('/')) throw PlatformError.invalid(`${field}[${i}] must name a file, not a directory.`, `${field}[${i}]`);
    return key;
  });
  const heads = await Promise.all(keys.map((k) => store.head(k)));
  let total = 0;
  heads.forEach((h, i) => {
    if (!h) throw PlatformError.invalid(`${field}[${i}]: ${refPath(refs[i])} was not found in the container's storage.`, `${field}[${i}]`);
    total += h.size;
  });
  if (total > MAX_TRAINING_DATA_BYTES)
    throw PlatformError.invalid(`${field}: the files hold ${total} bytes; at most ${MAX_TRAINING_DATA_BYTES} are read.`, field);
  const records: TrainingRecord[] = [];
  for (const [i, key] of keys.entries()) {
    const text = (await store.getBuffer(key, MAX_TRAINING_DATA_BYTES)).toString('utf8');
    for (const r of await parseTrainingRecords(text, shapes, `${field}[${i}]`)) records.push(r);
  }
  return records;
}

function refPath(r: DataReference | undefined): string {
  const p = r?.location?.path ?? r?.location?.file_name;
  return typeof p === 'string' ? JSON.stringify(p) : 'the file';
}
