/** The service's own schema (prompts, prompt sessions and their entries). */
export const PROMPTS_SCHEMA = 'prompts';
