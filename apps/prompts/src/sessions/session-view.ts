import type { promptsV1 } from '@platform/contracts';
import { toLockMessage } from '../prompts/prompt-view';
import type { PromptSessionEntryEntity } from './prompt-session-entry.entity';
import type { PromptSessionEntity } from './prompt-session.entity';

const json = (v: unknown): string => (v === null || v === undefined ? '' : JSON.stringify(v));

export function toEntryMessage(row: PromptSessionEntryEntity): promptsV1.PromptSessionEntry {
  return {
    id: row.id,
    sessionId: row.sessionId,
    name: row.name,
    description: row.description,
    createdAt: row.createdAt.getTime(),
    createdBy: row.createdBy,
    lastUpdatedAt: row.lastUpdatedAt.getTime(),
    lastUpdatedBy: row.lastUpdatedBy,
    promptVariablesJson: json(row.promptVariables),
    isTemplate: row.isTemplate,
    inputMode: row.inputMode ?? '',
    modelVersionJson: json(row.modelVersion),
    promptJson: JSON.stringify(row.prompt),
  };
}

/** An entry as the seed's WxPromptSessionEntry object, for a session's `prompts` (optional fields only when set). */
function entryDocument(row: PromptSessionEntryEntity): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    ...(row.description ? { description: row.description } : {}),
    created_at: row.createdAt.getTime(),
    created_by: row.createdBy,
    last_updated_at: row.lastUpdatedAt.getTime(),
    last_updated_by: row.lastUpdatedBy,
    ...(row.promptVariables ? { prompt_variables: row.promptVariables } : {}),
    is_template: row.isTemplate,
    ...(row.inputMode ? { input_mode: row.inputMode } : {}),
    ...(row.modelVersion ? { model_version: row.modelVersion } : {}),
    prompt: row.prompt,
  };
}

/** `entries`: those returned with the session (created with it, or the most recent on GET with prefetch); null: none asked. */
export function toSessionMessage(row: PromptSessionEntity, entries: PromptSessionEntryEntity[] | null = null): promptsV1.PromptSession {
  return {
    id: row.id,
    projectId: row.projectId,
    name: row.name,
    description: row.description,
    createdAt: row.createdAt.getTime(),
    createdBy: row.createdBy,
    lastUpdatedAt: row.lastUpdatedAt.getTime(),
    lastUpdatedBy: row.lastUpdatedBy,
    lock: toLockMessage(row),
    promptsJson: entries ? JSON.stringify(entries.map(entryDocument)) : '',
  };
}
