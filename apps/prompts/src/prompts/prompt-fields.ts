import { CONTAINER_ID, PlatformError, fieldRuleMessage } from '@platform/common';
import type { InputMode, LockType } from './prompt.entity';

/**
 * The seed's field rules for prompts (`POST|PATCH /v1/prompts`). Its `[a-zA-Z0-9-]*` patterns are unanchored and so
 * match every string: they bound nothing, and only the anchored ones (model_version.number) are enforced as patterns.
 */
export const MAX_NAME_CHARS = 255;
export const MAX_DESCRIPTION_CHARS = 5000;
const MAX_TEXT_CHARS = 200_000;
const MAX_TASK_ID_CHARS = 128;
const MAX_VARIABLES = 100;
/** The seed's model_version.number: a semantic version. */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
/** A `{name}` placeholder's name. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const CREATE_INPUT_MODES: readonly InputMode[] = ['structured', 'freeform', 'chat', 'detached'];
/** The seed's PATCH allows only these two. */
const PATCH_INPUT_MODES: readonly InputMode[] = ['structured', 'freeform'];
const LOCK_TYPES: readonly LockType[] = ['edit', 'governance'];
const CHAT_ITEM_TYPES = ['question', 'answer'];
const CHAT_ITEM_STATUSES = ['ready', 'error'];

export interface Container {
  projectId: string | null;
  spaceId: string | null;
}

type Json = Record<string, unknown>;

const invalid = PlatformError.invalid;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Exactly one of project_id and space_id, each a lowercase UUID. */
export function checkContainer(projectId: string, spaceId: string): Container {
  if (projectId && spaceId) throw invalid('Only one of project_id and space_id may be given.', 'space_id');
  if (!projectId && !spaceId) throw invalid('Either project_id or space_id is required.', 'project_id');
  const field = projectId ? 'project_id' : 'space_id';
  const id = projectId || spaceId;
  if (!CONTAINER_ID.test(id)) throw invalid(fieldRuleMessage(CONTAINER_ID, field), field);
  return projectId ? { projectId, spaceId: null } : { projectId: null, spaceId };
}

export function checkCaller(userId: string | undefined): string {
  if (!userId) throw invalid('The caller is unknown.', 'user_id');
  return userId;
}

export function checkName(value: string): string {
  if (value.trim().length < 1 || value.length > MAX_NAME_CHARS) throw invalid(`name must be 1 to ${MAX_NAME_CHARS} characters.`, 'name');
  return value;
}

export function checkDescription(value: string): string {
  if (value.length > MAX_DESCRIPTION_CHARS)
    throw invalid(`description must be at most ${MAX_DESCRIPTION_CHARS} characters.`, 'description');
  return value;
}

/** The seed: "number of items = 1". */
export function checkTaskIds(values: readonly string[]): string[] {
  if (values.length > 1) throw invalid('task_ids holds at most one task id.', 'task_ids');
  for (const v of values)
    if (v.length < 1 || v.length > MAX_TASK_ID_CHARS) throw invalid(`A task id must be 1 to ${MAX_TASK_ID_CHARS} characters.`, 'task_ids');
  return [...values];
}

export function checkInputMode(value: string, patch = false): InputMode | null {
  if (!value) return null;
  const allowed = patch ? PATCH_INPUT_MODES : CREATE_INPUT_MODES;
  if (!(allowed as readonly string[]).includes(value)) throw invalid(`input_mode must be one of ${allowed.join(', ')}.`, 'input_mode');
  return value as InputMode;
}

export function checkLockType(value: string): LockType {
  if (!value) return 'edit';
  if (!(LOCK_TYPES as readonly string[]).includes(value)) throw invalid(`lock_type must be one of ${LOCK_TYPES.join(', ')}.`, 'lock_type');
  return value as LockType;
}

/** A JSON document the gateway forwarded as text; `field` names it in the 400. */
export function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid(`${field} is not valid JSON.`, field);
  }
}

function optionalString(o: Json, key: string, field: string): void {
  const v = o[key];
  if (v !== undefined && v !== null && (typeof v !== 'string' || v.length > MAX_TEXT_CHARS))
    throw invalid(`${field}.${key} must be a string of at most ${MAX_TEXT_CHARS} characters.`, `${field}.${key}`);
}

/** A list of string lists (`data.examples`, `input`): each inner list a [input, output] pair of strings. */
function stringPairs(v: unknown, field: string): void {
  if (v === undefined || v === null) return;
  if (!Array.isArray(v)) throw invalid(`${field} must be a list of [input, output] string pairs.`, field);
  v.forEach((pair: unknown, i) => {
    if (!Array.isArray(pair) || pair.length > 2 || pair.some((s) => typeof s !== 'string'))
      throw invalid(`${field}[${i}] must be a list of at most two strings.`, field);
  });
}

/** The seed's model_version object: {number (a semantic version), tag, description}. */
export function checkModelVersion(text: string): Json | null {
  if (!text) return null;
  const v = parseJson(text, 'model_version');
  if (!isObject(v)) throw invalid('model_version must be an object.', 'model_version');
  if (v.number !== undefined && (typeof v.number !== 'string' || !SEMVER.test(v.number)))
    throw invalid('model_version.number must be a semantic version such as 2.0.0-rc.7.', 'model_version.number');
  optionalString(v, 'tag', 'model_version');
  optionalString(v, 'description', 'model_version');
  return v;
}

/** `prompt_variables`: variable names to their default (a string, or `{default_value}`; `{}` or null: no default). */
export function checkPromptVariables(text: string): Json | null {
  if (!text) return null;
  const v = parseJson(text, 'prompt_variables');
  if (!isObject(v)) throw invalid('prompt_variables must be an object of variable names.', 'prompt_variables');
  const names = Object.keys(v);
  if (names.length > MAX_VARIABLES) throw invalid(`prompt_variables holds at most ${MAX_VARIABLES} variables.`, 'prompt_variables');
  for (const name of names) {
    if (!VARIABLE_NAME.test(name))
      throw invalid(`prompt_variables: "${name}" is not a variable name (letters, digits and _).`, `prompt_variables.${name}`);
    const d = v[name];
    const ok =
      d === null ||
      typeof d === 'string' ||
      (isObject(d) && (d.default_value === undefined || d.default_value === null || typeof d.default_value === 'string'));
    if (!ok)
      throw invalid(
        `prompt_variables.${name} must be a string default or an object with a string default_value.`,
        `prompt_variables.${name}`,
      );
  }
  return v;
}

/** One chat item: {type question|answer, content, status ready|error, timestamp}. */
export function checkChatItem(item: unknown, field: string): Json {
  if (!isObject(item)) throw invalid(`${field} must be an object.`, field);
  if (item.type !== undefined && !CHAT_ITEM_TYPES.includes(item.type as string))
    throw invalid(`${field}.type must be one of ${CHAT_ITEM_TYPES.join(', ')}.`, `${field}.type`);
  if (item.status !== undefined && !CHAT_ITEM_STATUSES.includes(item.status as string))
    throw invalid(`${field}.status must be one of ${CHAT_ITEM_STATUSES.join(', ')}.`, `${field}.status`);
  optionalString(item, 'content', field);
  if (item.timestamp !== undefined && (typeof item.timestamp !== 'number' || !Number.isFinite(item.timestamp)))
    throw invalid(`${field}.timestamp must be a number (epoch milliseconds).`, `${field}.timestamp`);
  return item;
}

export function checkChatItems(text: string, field = 'chat_items'): Json[] {
  const v = parseJson(text || '[]', field);
  if (!Array.isArray(v)) throw invalid(`${field} must be a list of chat items.`, field);
  return v.map((item, i) => checkChatItem(item, `${field}[${i}]`));
}

/**
 * The seed's `prompt` object: `model_id` and `data` required; `data` {instruction, input_prefix, output_prefix,
 * examples}; `model_parameters` an object; `chat_items`; `external_information` with its three required ids.
 */
export function checkPromptDocument(text: string): Json {
  if (!text) throw invalid('prompt is required.', 'prompt');
  const p = parseJson(text, 'prompt');
  if (!isObject(p)) throw invalid('prompt must be an object.', 'prompt');
  if (typeof p.model_id !== 'string' || !p.model_id) throw invalid('prompt.model_id is required.', 'prompt.model_id');
  if (!isObject(p.data)) throw invalid('prompt.data must be an object.', 'prompt.data');
  for (const key of ['instruction', 'input_prefix', 'output_prefix']) optionalString(p.data, key, 'prompt.data');
  stringPairs(p.data.examples, 'prompt.data.examples');
  stringPairs(p.input, 'prompt.input');
  optionalString(p, 'system_prompt', 'prompt');
  if (p.model_parameters !== undefined && p.model_parameters !== null && !isObject(p.model_parameters))
    throw invalid('prompt.model_parameters must be an object.', 'prompt.model_parameters');
  if (p.chat_items !== undefined && p.chat_items !== null) {
    if (!Array.isArray(p.chat_items)) throw invalid('prompt.chat_items must be a list of chat items.', 'prompt.chat_items');
    p.chat_items.forEach((item, i) => checkChatItem(item, `prompt.chat_items[${i}]`));
  }
  const ext = p.external_information;
  if (ext !== undefined && ext !== null) {
    if (!isObject(ext)) throw invalid('prompt.external_information must be an object.', 'prompt.external_information');
    for (const key of ['external_prompt_id', 'external_model_id', 'external_model_provider'])
      if (typeof ext[key] !== 'string' || !ext[key])
        throw invalid(`prompt.external_information.${key} is required.`, `prompt.external_information.${key}`);
  }
  return p;
}
