import { CONTAINER_ID, PlatformError, fieldRuleMessage, isIssuedId } from '@platform/common';
import type { NotebookKernel, NotebookOrigin, NotebookRuntime } from './notebook.entity';

export const MAX_NAME_CHARS = 255;
export const MAX_DESCRIPTION_CHARS = 1000;
export const MAX_TAGS = 64;
const MAX_TAG_CHARS = 256;
/** kernel and runtime are a few short strings; anything longer is not metadata. */
const MAX_METADATA_JSON_CHARS = 4096;
const MAX_METADATA_STRING_CHARS = 255;
export const MAX_FILE_REFERENCE_CHARS = 1024;
/** `POST /v2/notebooks/list`: the most ids one request may name. */
export const MAX_LISTED_IDS = 1000;

const invalid = (message: string, field: string) => PlatformError.invalid(message, field);

/** Exactly one of project and space. */
export interface Container {
  projectId: string | null;
  spaceId: string | null;
}

export function checkContainer(projectId: string, spaceId: string): Container {
  if (projectId && spaceId) throw invalid('Only one of project_id and space_id may be given.', 'space_id');
  if (!projectId && !spaceId) throw invalid('Either project_id or space_id is required.', 'project_id');
  const field = projectId ? 'project_id' : 'space_id';
  const id = projectId || spaceId;
  if (!CONTAINER_ID.test(id)) throw invalid(fieldRuleMessage(CONTAINER_ID, field), field);
  return projectId ? { projectId, spaceId: null } : { projectId: null, spaceId };
}

/** The one column a row of the container matches. */
export const containerWhere = (c: Container): { projectId: string } | { spaceId: string } =>
  c.projectId ? { projectId: c.projectId } : { spaceId: c.spaceId ?? '' };

export const describeContainer = (c: Container) => (c.projectId ? `project ${c.projectId}` : `space ${c.spaceId}`);

export function checkName(value: string, field = 'name'): string {
  if (value.trim().length < 1 || value.length > MAX_NAME_CHARS)
    throw invalid(`${field} must be a string of 1 to ${MAX_NAME_CHARS} characters.`, field);
  return value;
}

export function checkDescription(value: string): string {
  if (value.length > MAX_DESCRIPTION_CHARS)
    throw invalid(`description must be at most ${MAX_DESCRIPTION_CHARS} characters.`, 'description');
  return value;
}

export function checkTags(tags: readonly string[]): string[] {
  if (tags.length > MAX_TAGS) throw invalid(`tags must be a list of at most ${MAX_TAGS} strings.`, 'tags');
  for (const tag of tags)
    if (tag.length < 1 || tag.length > MAX_TAG_CHARS)
      throw invalid(`Every tag must be a string of 1 to ${MAX_TAG_CHARS} characters.`, 'tags');
  return [...new Set(tags)];
}

/** A uuid the service issued, or INVALID_ARGUMENT naming `field`. */
export function checkId(value: string, field: string): string {
  if (!isIssuedId(value)) throw invalid(`${field} must be a lowercase UUID.`, field);
  return value;
}

function parseObject(json: string, field: string): Record<string, unknown> {
  if (json.length > MAX_METADATA_JSON_CHARS)
    throw invalid(`${field} must be at most ${MAX_METADATA_JSON_CHARS} characters of JSON.`, field);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw invalid(`${field} must be a JSON object.`, field);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${field} must be a JSON object.`, field);
  return value as Record<string, unknown>;
}

function optionalString(o: Record<string, unknown>, key: string, field: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > MAX_METADATA_STRING_CHARS)
    throw invalid(`${field}.${key} must be a string of at most ${MAX_METADATA_STRING_CHARS} characters.`, `${field}.${key}`);
  return v;
}

function onlyKeys(o: Record<string, unknown>, keys: readonly string[], field: string): void {
  const unknown = Object.keys(o).find((k) => !keys.includes(k));
  if (unknown) throw invalid(`${field} has the unknown property "${unknown}"; it may hold ${keys.join(', ')}.`, `${field}.${unknown}`);
}

/** `kernel` ({display_name, name, language}); null when empty. */
export function readKernel(json: string): NotebookKernel | null {
  if (!json) return null;
  const o = parseObject(json, 'kernel');
  onlyKeys(o, ['display_name', 'name', 'language'], 'kernel');
  const kernel: NotebookKernel = {};
  for (const key of ['display_name', 'name', 'language'] as const) {
    const v = optionalString(o, key, 'kernel');
    if (v !== undefined) kernel[key] = v;
  }
  return kernel;
}

export function checkEnvironment(value: string, field = 'runtime.environment'): string {
  if (value.length < 1 || value.length > MAX_METADATA_STRING_CHARS)
    throw invalid(`${field} must be a string of 1 to ${MAX_METADATA_STRING_CHARS} characters.`, field);
  return value;
}

/** `runtime` ({environment, spark_monitoring_enabled}); null when empty. */
export function readRuntime(json: string): NotebookRuntime | null {
  if (!json) return null;
  const o = parseObject(json, 'runtime');
  onlyKeys(o, ['environment', 'spark_monitoring_enabled'], 'runtime');
  const runtime: NotebookRuntime = {};
  const environment = optionalString(o, 'environment', 'runtime');
  if (environment !== undefined) runtime.environment = checkEnvironment(environment);
  const spark = o.spark_monitoring_enabled;
  if (spark !== undefined && spark !== null) {
    if (typeof spark !== 'boolean')
      throw invalid('runtime.spark_monitoring_enabled must be true or false.', 'runtime.spark_monitoring_enabled');
    runtime.spark_monitoring_enabled = spark;
  }
  return runtime;
}

/** `originates_from` ({type: blank} | {type: notebook, guid}); blank when empty. */
export function readOrigin(json: string): NotebookOrigin {
  if (!json) return { type: 'blank' };
  const o = parseObject(json, 'originates_from');
  onlyKeys(o, ['type', 'guid'], 'originates_from');
  if (o.type === 'blank' && o.guid === undefined) return { type: 'blank' };
  if (o.type === 'notebook' && typeof o.guid === 'string' && isIssuedId(o.guid)) return { type: 'notebook', guid: o.guid };
  throw invalid('originates_from must be {"type":"blank"} or {"type":"notebook","guid":"<notebook guid>"}.', 'originates_from');
}

/**
 * A file of the container's storage: a relative path in the platform bucket whose segments are neither empty nor
 * `.`/`..`, outside the service's own prefix (another notebook's content is reached through its notebook, not a path).
 */
export function checkFileReference(path: string, contentPrefix: string): string {
  const field = 'file_reference';
  if (path.length > MAX_FILE_REFERENCE_CHARS) throw invalid(`${field} must be at most ${MAX_FILE_REFERENCE_CHARS} characters.`, field);
  if (path.startsWith('/')) throw invalid(`${field} must be a path relative to the storage, not start with "/".`, field);
  if (/[\u0000-\u001f\u007f\\]/.test(path)) throw invalid(`${field} must not hold control characters or "\\".`, field);
  if (path.split('/').some((s) => s === '' || s === '.' || s === '..'))
    throw invalid(`${field} must not hold empty, "." or ".." segments.`, field);
  if (contentPrefix && path.startsWith(contentPrefix))
    throw invalid(`${field} may not be under ${contentPrefix}, where the platform keeps notebooks' own content.`, field);
  return path;
}
