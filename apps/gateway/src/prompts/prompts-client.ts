/** The prompts service's gRPC client (PromptService: prompts, prompt sessions, rendering), registered in app.module.ts. */
export const PROMPTS_CLIENT = 'PROMPTS_CLIENT';
