import type { PromptJson, PromptLockJson } from '@platform/api-types';
import type { promptsV1 } from '@platform/contracts';

export type { PromptJson, PromptLockJson };

/**
 * Prompts, sessions and entries as seed 001 and the official SDK read them (WxPromptResponse, PromptLock,
 * WxPromptSession, WxPromptSessionEntry, WxPromptSessionEntryList, ListPromptsResponse): times in epoch milliseconds,
 * the nested documents the service keeps as JSON text given back as JSON, optional fields only when set.
 */

export interface PromptSessionJson {
  id: string;
  name: string;
  description?: string;
  created_at: number;
  created_by: string;
  last_updated_at: number;
  last_updated_by: string;
  lock: PromptLockJson;
  prompts?: unknown[];
}

export interface PromptSessionEntryJson {
  id: string;
  name: string;
  description?: string;
  created_at: number;
  created_by?: string;
  last_updated_at?: number;
  last_updated_by?: string;
  prompt_variables?: Record<string, unknown>;
  is_template: boolean;
  input_mode?: string;
  model_version?: Record<string, unknown>;
  prompt: Record<string, unknown>;
}

export interface PromptSessionEntryListJson {
  results: { id: string; name: string; description?: string; created_at: number }[];
  bookmark?: string;
}

/** JSON text the service keeps; empty or malformed: none. */
export function parsed(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function objectOf(text: string): Record<string, unknown> | undefined {
  const v = parsed(text);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function lockView(l: promptsV1.Lock | undefined): PromptLockJson {
  if (!l?.locked) return { locked: false };
  return { locked: true, ...(l.lockType ? { lock_type: l.lockType } : {}), ...(l.lockedBy ? { locked_by: l.lockedBy } : {}) };
}

export function promptView(p: promptsV1.Prompt): PromptJson {
  const modelVersion = objectOf(p.modelVersionJson);
  const variables = objectOf(p.promptVariablesJson);
  return {
    id: p.id,
    name: p.name,
    ...(p.description ? { description: p.description } : {}),
    created_at: p.createdAt,
    created_by: p.createdBy,
    last_updated_at: p.lastUpdatedAt,
    last_updated_by: p.lastUpdatedBy,
    ...(p.taskIds.length ? { task_ids: p.taskIds } : {}),
    governance_tracked: p.governanceTracked,
    lock: lockView(p.lock),
    ...(p.inputMode ? { input_mode: p.inputMode } : {}),
    ...(modelVersion ? { model_version: modelVersion } : {}),
    ...(variables ? { prompt_variables: variables } : {}),
    is_template: p.isTemplate,
    ...(p.resourceKey ? { resource_key: p.resourceKey } : {}),
    prompt: objectOf(p.promptJson) ?? {},
  };
}

export function sessionView(s: promptsV1.PromptSession): PromptSessionJson {
  const prompts = parsed(s.promptsJson);
  return {
    id: s.id,
    name: s.name,
    ...(s.description ? { description: s.description } : {}),
    created_at: s.createdAt,
    created_by: s.createdBy,
    last_updated_at: s.lastUpdatedAt,
    last_updated_by: s.lastUpdatedBy,
    lock: lockView(s.lock),
    ...(Array.isArray(prompts) ? { prompts } : {}),
  };
}

export function entryView(e: promptsV1.PromptSessionEntry): PromptSessionEntryJson {
  const variables = objectOf(e.promptVariablesJson);
  const modelVersion = objectOf(e.modelVersionJson);
  return {
    id: e.id,
    name: e.name,
    ...(e.description ? { description: e.description } : {}),
    created_at: e.createdAt,
    ...(e.createdBy ? { created_by: e.createdBy } : {}),
    ...(e.lastUpdatedAt ? { last_updated_at: e.lastUpdatedAt } : {}),
    ...(e.lastUpdatedBy ? { last_updated_by: e.lastUpdatedBy } : {}),
    ...(variables ? { prompt_variables: variables } : {}),
    is_template: e.isTemplate,
    ...(e.inputMode ? { input_mode: e.inputMode } : {}),
    ...(modelVersion ? { model_version: modelVersion } : {}),
    prompt: objectOf(e.promptJson) ?? {},
  };
}

/** GET …/entries: each entry's id, name, description and creation time, and the bookmark of the next page when there is one. */
export function entryListView(res: promptsV1.ListPromptSessionEntriesResponse): PromptSessionEntryListJson {
  return {
    results: res.entries.map((e) => ({
      id: e.id,
      name: e.name,
      ...(e.description ? { description: e.description } : {}),
      created_at: e.createdAt,
    })),
    ...(res.bookmark ? { bookmark: res.bookmark } : {}),
  };
}
