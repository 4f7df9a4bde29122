/**
 * Which public API a route belongs to decides how its errors read: the IBM envelope with `more_info` pointing at
 * that API's own reference, or OpenAI's error object on the OpenAI-compatible routes.
 */
export type ErrorSurface = { shape: 'ibm'; moreInfo: string } | { shape: 'openai' };

const WATSONX: ErrorSurface = { shape: 'ibm', moreInfo: 'https://cloud.ibm.com/apidocs/watsonx-ai-cp' };
const INSTRUCTLAB: ErrorSurface = { shape: 'ibm', moreInfo: 'https://cloud.ibm.com/apidocs/instructlab' };
const DATA_PLATFORM: ErrorSurface = { shape: 'ibm', moreInfo: 'https://cloud.ibm.com/apidocs/watson-data-api-cpd' };
const SECRETS_MANAGER: ErrorSurface = { shape: 'ibm', moreInfo: 'https://cloud.ibm.com/apidocs/secrets-manager/secrets-manager-v2' };
const LLAMA_STACK: ErrorSurface = { shape: 'ibm', moreInfo: 'https://llama-stack.readthedocs.io' };
const OPENAI: ErrorSurface = { shape: 'openai' };

/**
 * Route prefixes to surfaces, most specific first (the watsonx prompt routes sit under /v1 next to InstructLab's).
 * A new route family joins by adding a row.
 */
const ROUTES: readonly [prefix: string, surface: ErrorSurface][] = [
  ['/openai/v1', OPENAI],
  ['/v1/prompts', WATSONX],
  ['/v1/prompt_sessions', WATSONX],
  ['/v2/notebooks', WATSONX],
  ['/ml', WATSONX],
  ['/v1', INSTRUCTLAB],
  ['/api/v2/secrets', SECRETS_MANAGER],
  ['/v2', DATA_PLATFORM],
  ['/icp4d-api', DATA_PLATFORM],
  ['/inference', LLAMA_STACK],
  ['/agentic_system', LLAMA_STACK],
  ['/datasets', LLAMA_STACK],
  ['/memory_bank', LLAMA_STACK],
  ['/memory_banks', LLAMA_STACK],
  ['/post_training', LLAMA_STACK],
  ['/synthetic_data_generation', LLAMA_STACK],
  ['/reward_scoring', LLAMA_STACK],
];

/** The surface of a request URL; routes of no public API (health, /docs) point at the gateway's own reference. */
export function errorSurfaceOf(url: string, publicUrl: string): ErrorSurface {
  const path = url.split('?', 1)[0];
  const hit = ROUTES.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`));
  return hit?.[1] ?? { shape: 'ibm', moreInfo: `${publicUrl}/docs` };
}
