// Prompts and prompt templates (seed 001: /v1/prompts, /v2/asset_types/wx_prompt/search) as the gateway answers them:
// the official SDK's WxPromptResponse, PromptLock and ListPromptsResponse. Times are epoch milliseconds.

export interface PromptLockJson {
  locked: boolean;
  lock_type?: string;
  locked_by?: string;
}

export interface PromptJson {
  id: string;
  name: string;
  description?: string;
  created_at: number;
  created_by: string;
  last_updated_at: number;
  last_updated_by: string;
  task_ids?: string[];
  governance_tracked: boolean;
  lock: PromptLockJson;
  /** structured | freeform | chat | detached */
  input_mode?: string;
  model_version?: Record<string, unknown>;
  prompt_variables?: Record<string, unknown>;
  is_template: boolean;
  resource_key?: string;
  /** The prompt as sent: model_id, model_parameters, data, input, system_prompt, chat_items … */
  prompt: Record<string, unknown>;
}
