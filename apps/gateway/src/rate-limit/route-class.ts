/** The route classes, each with its own bucket per caller (settings in rate-limit-settings.ts). */
export type RouteClass = 'reads' | 'writes' | 'inference' | 'auth';
export const ROUTE_CLASSES: readonly RouteClass[] = ['reads', 'writes', 'inference', 'auth'];

/** The sign-in routes: limited per client address, since nobody is signed in yet. */
const AUTH_PATHS = new Set(['/icp4d-api/v1/authorize', '/identity/token']);

/** Prefixes whose POSTs run a model: generations, embeddings, scoring, SDG through inference. */
const INFERENCE_PREFIXES = [
  '/ml/v1/text/',
  '/ml/v1/deployments/',
  '/openai/v1/',
  '/inference/',
  '/reward_scoring/',
  '/synthetic_data_generation/',
];

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The class a request is charged to, from its method and URL alone (no routing needed). */
export function routeClassOf(method: string, url: string): RouteClass {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (AUTH_PATHS.has(path)) return 'auth';
  if (READ_METHODS.has(method)) return 'reads';
  return INFERENCE_PREFIXES.some((prefix) => path.startsWith(prefix)) ? 'inference' : 'writes';
}
