import { PlatformError, type ErrorIssue } from '@platform/common';
import type { DatasetColumnType } from './dataset.entity';
import type { DatasetRow } from './dataset-rows';
import { FIELD } from './dataset-fields';

/** Problems listed in one 400 before the rest are only counted. */
const MAX_LISTED = 20;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`);

/** The draft's InterleavedContent: a string, a content item (`{type, …}`), or an array of those. */
function isContent(v: unknown): boolean {
  const item = (x: unknown) => typeof x === 'string' || (isObject(x) && typeof x.type === 'string');
  return item(v) || (Array.isArray(v) && v.every(item));
}

function dialogProblem(v: unknown): string | undefined {
  if (!Array.isArray(v) || v.length === 0) return `must be a dialog (a non-empty array of {role, content} messages), got ${describe(v)}`;
  for (let i = 0; i < v.length; i++) {
    const m: unknown = v[i];
    if (!isObject(m)) return `must be a dialog: message ${i} is ${describe(m)}, not a {role, content} object`;
    if (typeof m.role !== 'string' || m.role === '') return `must be a dialog: message ${i} has no string role`;
    if (!isContent(m.content)) return `must be a dialog: message ${i} has no content (a string or content items)`;
  }
  return undefined;
}

/** Why `value` is not of the column's type, or undefined when it is. */
export function columnValueProblem(type: DatasetColumnType, value: unknown): string | undefined {
  switch (type) {
    case 'dialog':
      return dialogProblem(value);
    case 'text':
      return typeof value === 'string' ? undefined : `must be text (a string), got ${describe(value)}`;
    case 'number':
      return typeof value === 'number' ? undefined : `must be a number, got ${describe(value)}`;
    case 'media':
      return typeof value === 'string' && value !== '' ? undefined : `must be media (a URL or base64 string), got ${describe(value)}`;
    case 'json':
      return undefined;
  }
}

/**
 * Every row holds every declared column with a value of its type (other keys are kept as they are). One 400 lists the
 * first problems, each naming the row (counted from 1) and the column.
 */
export function checkRows(rows: readonly DatasetRow[], columns: Record<string, DatasetColumnType>): void {
  const issues: ErrorIssue[] = [];
  let problems = 0;
  const columnList = Object.entries(columns);
  rows.forEach((row, i) => {
    for (const [name, type] of columnList) {
      const problem = name in row ? columnValueProblem(type, row[name]) : 'is missing';
      if (problem === undefined) continue;
      problems++;
      if (issues.length < MAX_LISTED)
        issues.push({
          code: 'invalid_request',
          message: `${FIELD.contentUrl}: row ${i + 1}, column "${name}" (${type}) ${problem}.`,
          target: { type: 'field', name: FIELD.contentUrl },
        });
    }
  });
  if (problems === 0) return;
  if (problems > issues.length)
    issues.push({ code: 'invalid_request', message: `…and ${problems - issues.length} more not listed.`, target: issues[0].target });
  throw PlatformError.invalidMany(
    issues,
    problems === 1 ? issues[0].message : `${problems} values do not match ${FIELD.columns}; the first: ${issues[0].message}`,
  );
}
