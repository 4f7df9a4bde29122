import type { promptsV1 } from '@platform/contracts';
import { isObject } from './prompt-fields';
import type { PromptEntity } from './prompt.entity';

/** The text-generation parameters inference accepts (`restrict_model_parameters` keeps only these). */
const INFERENCE_PARAMETERS = new Set([
  'decoding_method',
  'length_penalty',
  'max_new_tokens',
  'min_new_tokens',
  'random_seed',
  'stop_sequences',
  'temperature',
  'time_limit',
  'top_k',
  'top_p',
  'repetition_penalty',
  'truncate_input_tokens',
  'include_stop_sequence',
]);

/** The model parameters of a stored `prompt` object, only those inference accepts when `restrict` is set. */
export function modelParameters(prompt: Record<string, unknown>, restrict: boolean): Record<string, unknown> | undefined {
  const params = prompt.model_parameters;
  if (!isObject(params)) return undefined;
  return restrict ? Object.fromEntries(Object.entries(params).filter(([k]) => INFERENCE_PARAMETERS.has(k))) : params;
}

const json = (v: unknown): string => (v === null || v === undefined ? '' : JSON.stringify(v));

export function toPromptMessage(row: PromptEntity, restrictModelParameters = false): promptsV1.Prompt {
  const prompt = { ...row.prompt };
  if (restrictModelParameters && prompt.model_parameters !== undefined) prompt.model_parameters = modelParameters(row.prompt, true);
  return {
    id: row.id,
    projectId: row.projectId ?? '',
    spaceId: row.spaceId ?? '',
    name: row.name,
    description: row.description,
    createdAt: row.createdAt.getTime(),
    createdBy: row.createdBy,
    lastUpdatedAt: row.lastUpdatedAt.getTime(),
    lastUpdatedBy: row.lastUpdatedBy,
    taskIds: row.taskIds,
    governanceTracked: row.governanceTracked,
    lock: toLockMessage(row),
    inputMode: row.inputMode ?? '',
    modelVersionJson: json(row.modelVersion),
    promptVariablesJson: json(row.promptVariables),
    isTemplate: Boolean(row.promptVariables && Object.keys(row.promptVariables).length),
    resourceKey: '',
    promptJson: JSON.stringify(prompt),
  };
}

export function toLockMessage(row: Pick<PromptEntity, 'lockType' | 'lockedBy'>): promptsV1.Lock {
  return { locked: Boolean(row.lockedBy), lockType: row.lockType ?? '', lockedBy: row.lockedBy ?? '' };
}
