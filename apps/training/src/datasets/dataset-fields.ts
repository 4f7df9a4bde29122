import { PlatformError } from '@platform/common';
import { DATASET_COLUMN_TYPES, type DatasetColumnType } from './dataset.entity';

/** The request's field names as the Llama Stack draft spells them (`CreateDatasetRequest`), for the 400s. */
export const FIELD = {
  uuid: 'uuid',
  datasetId: 'dataset_id',
  columns: 'dataset.columns',
  contentUrl: 'dataset.content_url',
  metadata: 'dataset.metadata',
} as const;

/** Ids go into bucket keys (`datasets/<project>/<id>/`): a bounded alphabet without "/" that cannot spell "." or "..". */
const DATASET_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const COLUMN_NAME = /^[^\p{Cc}]{1,128}$/u;
export const MAX_COLUMNS = 100;
export const MAX_METADATA_CHARS = 64 * 1024;
/** A URL other than `data:` is stored on the row and shown back; this bounds it. */
export const MAX_REMOTE_URL_CHARS = 8 * 1024;

export function requireDatasetId(id: string, field: string): void {
  if (!DATASET_ID.test(id))
    throw PlatformError.invalid(
      `${field} must be 1-128 characters of letters, digits and . _ : - starting with a letter or digit, got ${JSON.stringify(id.slice(0, 140))}.`,
      field,
    );
}

export function checkColumns(columns: Record<string, string>): Record<string, DatasetColumnType> {
  const entries = Object.entries(columns);
  if (entries.length > MAX_COLUMNS)
    throw PlatformError.invalid(`${FIELD.columns} may declare at most ${MAX_COLUMNS} columns.`, FIELD.columns);
  for (const [name, type] of entries) {
    if (!COLUMN_NAME.test(name))
      throw PlatformError.invalid(`${FIELD.columns}: a column name must be 1-128 characters without control characters.`, FIELD.columns);
    if (!(DATASET_COLUMN_TYPES as readonly string[]).includes(type))
      throw PlatformError.invalid(
        `${FIELD.columns}.${name} must be one of ${DATASET_COLUMN_TYPES.join(', ')}, got ${JSON.stringify(type)}.`,
        `${FIELD.columns}.${name}`,
      );
  }
  return columns as Record<string, DatasetColumnType>;
}

/** The draft's `metadata` (an object of any JSON values), as the gateway passed it on; '' is none. */
export function parseMetadata(json: string): Record<string, unknown> {
  if (json === '') return {};
  if (json.length > MAX_METADATA_CHARS)
    throw PlatformError.invalid(`${FIELD.metadata} must be at most ${MAX_METADATA_CHARS} characters of JSON.`, FIELD.metadata);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw PlatformError.invalid(`${FIELD.metadata} must be a JSON object.`, FIELD.metadata);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw PlatformError.invalid(`${FIELD.metadata} must be a JSON object.`, FIELD.metadata);
  return value as Record<string, unknown>;
}
