import { PlatformError, dataReferenceKey, type DataReference, type StorageContainer } from '@platform/common';

export const MAX_INPUT_REFERENCES = 20;
/** Files of every input reference together (a directory reference counts each file under it). */
export const MAX_INPUT_DOCUMENTS = 100;
export const MAX_NAME_CHARS = 255;
export const MAX_DESCRIPTION_CHARS = 4000;
export const MAX_TAGS = 64;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A data reference field as its object (type, location), or a 400 naming it. */
export function referenceAt(value: unknown, field: string): DataReference {
  if (value === undefined || value === null) throw PlatformError.invalid(`${field} is required.`, field);
  if (!isObject(value)) throw PlatformError.invalid(`${field} must be an object.`, field);
  if (typeof value.type !== 'string') throw PlatformError.invalid(`${field}.type is required.`, `${field}.type`);
  if (value.location !== undefined && !isObject(value.location))
    throw PlatformError.invalid(`${field}.location must be an object.`, `${field}.location`);
  return { type: value.type, location: value.location as Record<string, unknown> | undefined };
}

/** An array-of-references field: present, an array of `min`..`max` entries. */
export function referencesAt(entity: Record<string, unknown>, field: string, min: number, max: number): unknown[] {
  const value = entity[field];
  if (value === undefined || value === null) throw PlatformError.invalid(`${field} is required.`, field);
  if (!Array.isArray(value) || value.length < min || value.length > max)
    throw PlatformError.invalid(
      min === max ? `${field} must hold exactly ${min} reference.` : `${field} must hold ${min} to ${max} references.`,
      field,
    );
  return value;
}

/** The path as the caller wrote it, for messages. */
export function pathOf(ref: DataReference): string {
  const path = ref.location?.path ?? ref.location?.file_name;
  return typeof path === 'string' ? path : '';
}

/**
 * Only the platform's embedded index is available: a vector store reference (the seed's Milvus connection) is refused
 * with a message saying so; absent or empty means the embedded index.
 */
export function checkVectorStoreReferences(entity: Record<string, unknown>): void {
  const value = entity.vector_store_references;
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) throw PlatformError.invalid('vector_store_references must be an array.', 'vector_store_references');
  if (value.length > 0)
    throw PlatformError.invalid(
      'vector_store_references: only the platform’s embedded vector index is available; leave vector_store_references out or empty.',
      'vector_store_references[0]',
    );
}

/** results_reference: a directory of the container's storage (its key ends with "/"). */
export function resultsDirectoryKey(container: StorageContainer, entity: Record<string, unknown>): { key: string; path: string } {
  const ref = referenceAt(entity.results_reference, 'results_reference');
  const key = dataReferenceKey(container, ref, 'results_reference');
  return { key: key.endsWith('/') ? key : `${key}/`, path: pathOf(ref).replace(/\/+$/, '') };
}

/** name, description and tags within their limits. */
export function checkDescriptive(req: { name: string; description: string; tags: readonly string[] }): void {
  if (req.name.length > MAX_NAME_CHARS) throw PlatformError.invalid(`name must be at most ${MAX_NAME_CHARS} characters.`, 'name');
  if (req.description.length > MAX_DESCRIPTION_CHARS)
    throw PlatformError.invalid(`description must be at most ${MAX_DESCRIPTION_CHARS} characters.`, 'description');
  if (req.tags.length > MAX_TAGS) throw PlatformError.invalid(`tags must hold at most ${MAX_TAGS} tags.`, 'tags');
}

/** The request with results_reference's location filled in with the experiment's paths, as the seed's GET shows it. */
export function withResultLocation(entity: Record<string, unknown>, location: Record<string, string>): Record<string, unknown> {
  const ref = entity.results_reference as Record<string, unknown>;
  return { ...entity, results_reference: { ...ref, location: { ...(ref.location as Record<string, unknown>), ...location } } };
}
