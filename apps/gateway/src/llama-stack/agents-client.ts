/**
 * The agents service's gRPC client (AgentService: memory banks, agentic systems), registered in app.module.ts with
 * the long deadline: a document insert embeds every chunk and a turn runs several generations.
 */
export const AGENTS_CLIENT = 'AGENTS_CLIENT';
