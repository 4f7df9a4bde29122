import { PlatformError } from '@platform/common';
import type { DatasetRow } from './dataset-rows';
import { MAX_DATASET_BYTES } from './dataset-settings';
import { FIELD } from './dataset-fields';

/** `json`: one array of row objects; `jsonl`: one row object per line; `sniff`: an array when the text starts with "[". */
export type RowFormat = 'json' | 'jsonl' | 'sniff';

const invalid = (message: string) => PlatformError.invalid(`${FIELD.contentUrl} ${message}`, FIELD.contentUrl);
const isRowObject = (v: unknown): v is DatasetRow => typeof v === 'object' && v !== null && !Array.isArray(v);
const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function tooLarge(): PlatformError {
  return invalid(`holds more than ${MAX_DATASET_BYTES / (1024 * 1024)} MiB of rows, the limit of a dataset.`);
}

/** The rows of a dataset's content (UTF-8 JSON or JSONL), each an object; a 400 names the line or row at fault. */
export function parseRows(bytes: Buffer, format: RowFormat): DatasetRow[] {
  if (bytes.length > MAX_DATASET_BYTES) throw tooLarge();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw invalid('is not UTF-8 text.');
  }
  const json = format === 'json' || (format === 'sniff' && text.trimStart().startsWith('['));
  const rows = json ? parseJsonArray(text) : parseJsonLines(text);
  if (rows.length === 0) throw invalid('holds no rows.');
  return rows;
}

function parseJsonArray(text: string): DatasetRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid(`is not valid JSON: ${reason(err)}.`);
  }
  if (!Array.isArray(value)) throw invalid('must hold a JSON array of row objects (or JSON Lines).');
  value.forEach((row, i) => {
    if (!isRowObject(row)) throw invalid(`row ${i + 1} is not a JSON object.`);
  });
  return value as DatasetRow[];
}

function parseJsonLines(text: string): DatasetRow[] {
  const rows: DatasetRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (err) {
      throw invalid(`line ${i + 1} is not valid JSON: ${reason(err)}.`);
    }
    if (!isRowObject(row)) throw invalid(`line ${i + 1} (row ${rows.length + 1}) is not a JSON object.`);
    rows.push(row);
  }
  return rows;
}
