import { CONTAINER_ID, PlatformError, fieldRuleMessage } from '@platform/common';
import { checkModelVersion, checkPromptDocument, checkPromptVariables, isObject, parseJson } from '../prompts/prompt-fields';
import type { EntryInputMode } from './prompt-session-entry.entity';

/**
 * The seed's field rules for prompt sessions and their entries (`/v1/prompt_sessions…`), the same bounds the gateway's
 * DTOs apply: a session's name is one line of at most 100 characters (`^.{0,100}$`), its description at most 250; an
 * entry's name 1-250 characters, its description at most 1000; a session is created with at most 50 entries.
 */
const SESSION_NAME = /^.{0,100}$/;
export const MAX_SESSION_DESCRIPTION_CHARS = 250;
export const MAX_ENTRY_NAME_CHARS = 250;
export const MAX_ENTRY_DESCRIPTION_CHARS = 1000;
export const MAX_INITIAL_ENTRIES = 50;
const ENTRY_INPUT_MODES: readonly EntryInputMode[] = ['structured', 'freeform', 'chat'];
/** 9999-12-31T23:59:59.999Z: later times have no four-digit year, which the list's bookmark (and SQL's ISO text) needs. */
const MAX_EPOCH_MS = 253_402_300_799_999;

const invalid = PlatformError.invalid;

/** Sessions live in projects only: the seed names no other target for them. */
export function checkProject(projectId: string): string {
  if (!projectId) throw invalid('project_id is required: prompt sessions live in projects.', 'project_id');
  if (!CONTAINER_ID.test(projectId)) throw invalid(fieldRuleMessage(CONTAINER_ID, 'project_id'), 'project_id');
  return projectId;
}

export function checkSessionName(value: string): string {
  if (!SESSION_NAME.test(value)) throw invalid('name must be one line of at most 100 characters.', 'name');
  return value;
}

export function checkSessionDescription(value: string): string {
  if (value.length > MAX_SESSION_DESCRIPTION_CHARS)
    throw invalid(`description must be at most ${MAX_SESSION_DESCRIPTION_CHARS} characters.`, 'description');
  return value;
}

/** Epoch milliseconds the client gave (0: now). */
export function checkCreatedAt(value: number, now: Date, field = 'created_at'): Date {
  if (value === 0) return now;
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_EPOCH_MS)
    throw invalid(`${field} must be epoch milliseconds from 0 to ${MAX_EPOCH_MS}.`, field);
  return new Date(value);
}

/** An entry's fields as the CreatePromptSessionEntry request (or one of a new session's `prompts`) carries them. */
export interface EntryInput {
  name: string;
  description: string;
  createdAt: number;
  promptVariablesJson: string;
  isTemplate: boolean;
  inputMode: string;
  modelVersionJson: string;
  promptJson: string;
}

/** An entry checked, ready to store. */
export interface CheckedEntry {
  name: string;
  description: string;
  createdAt: Date;
  prompt: Record<string, unknown>;
  promptVariables: Record<string, unknown> | null;
  isTemplate: boolean;
  inputMode: EntryInputMode | null;
  modelVersion: Record<string, unknown> | null;
}

export function checkEntry(e: EntryInput, now: Date): CheckedEntry {
  if (e.name.trim().length < 1 || e.name.length > MAX_ENTRY_NAME_CHARS)
    throw invalid(`name must be 1 to ${MAX_ENTRY_NAME_CHARS} characters.`, 'name');
  if (e.description.length > MAX_ENTRY_DESCRIPTION_CHARS)
    throw invalid(`description must be at most ${MAX_ENTRY_DESCRIPTION_CHARS} characters.`, 'description');
  if (e.inputMode && !(ENTRY_INPUT_MODES as readonly string[]).includes(e.inputMode))
    throw invalid(`input_mode must be one of ${ENTRY_INPUT_MODES.join(', ')}.`, 'input_mode');
  return {
    name: e.name,
    description: e.description,
    createdAt: checkCreatedAt(e.createdAt, now),
    prompt: checkPromptDocument(e.promptJson),
    promptVariables: checkPromptVariables(e.promptVariablesJson),
    isTemplate: e.isTemplate,
    inputMode: (e.inputMode || null) as EntryInputMode | null,
    modelVersion: checkModelVersion(e.modelVersionJson),
  };
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : JSON.stringify(v));

/** One of a new session's `prompts`, as the seed's entry object (snake_case) reads: its fields, type-checked. */
function entryInputOf(o: Record<string, unknown>): EntryInput {
  const str = (key: string): string => {
    const v = o[key];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw invalid(`${key} must be a string.`, key);
    return v;
  };
  const createdAt = o.created_at ?? 0;
  if (typeof createdAt !== 'number') throw invalid('created_at must be epoch milliseconds.', 'created_at');
  const isTemplate = o.is_template ?? false;
  if (typeof isTemplate !== 'boolean') throw invalid('is_template must be true or false.', 'is_template');
  return {
    name: str('name'),
    description: str('description'),
    createdAt,
    promptVariablesJson: text(o.prompt_variables),
    isTemplate,
    inputMode: str('input_mode'),
    modelVersionJson: text(o.model_version),
    promptJson: text(o.prompt),
  };
}

/** A 400 about one of a new session's entries names it: `prompts[2].prompt.model_id`. */
function within<T>(prefix: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof PlatformError) || !err.target) throw err;
    throw new PlatformError(err.grpcCode, err.code, `${prefix}: ${err.message}`, { ...err.target, name: `${prefix}.${err.target.name}` });
  }
}

/** A new session's `prompts` (a JSON array of the seed's entry objects; '' for none), every entry checked. */
export function checkInitialEntries(json: string, now: Date): CheckedEntry[] {
  if (!json) return [];
  const list = parseJson(json, 'prompts');
  if (!Array.isArray(list)) throw invalid('prompts must be a list of prompt session entries.', 'prompts');
  if (list.length > MAX_INITIAL_ENTRIES) throw invalid(`prompts holds at most ${MAX_INITIAL_ENTRIES} entries.`, 'prompts');
  return list.map((item: unknown, i) => {
    if (!isObject(item)) throw invalid(`prompts[${i}] must be an object.`, `prompts[${i}]`);
    return within(`prompts[${i}]`, () => checkEntry(entryInputOf(item), now));
  });
}
