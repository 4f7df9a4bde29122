/** The service's own schema (its tables and its outbox). */
export const DEPLOYMENT_SCHEMA = 'deployment';
/** The keepers' work queue settings (`KeeperQueueConfig`). */
export const KEEPER_QUEUE = 'KEEPER_QUEUE';
/** The inference service's client (`inferenceV1.InferenceServiceClient`): the keeper waits until a pool is routable. */
export const INFERENCE = 'INFERENCE';
export const INFERENCE_CLIENT = 'INFERENCE_CLIENT';
/** Where prompt templates are looked up (`PromptTemplates`). */
export const PROMPT_TEMPLATES = 'PROMPT_TEMPLATES';
/** The prompts service's client: templates are looked up in it (`GrpcPromptTemplates`). */
export const PROMPTS_CLIENT = 'PROMPTS_CLIENT';
