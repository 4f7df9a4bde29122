import { inputLimitsOf } from '../http/input-limits';

/** The route classes, each with its own bucket per caller (settings in rate-limit-settings.ts). */
export type RouteClass = 'reads' | 'writes' | 'inference' | 'auth';
export const ROUTE_CLASSES: readonly RouteClass[] = ['reads', 'writes', 'inference', 'auth'];

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The class a request is charged to, from its method and URL alone (no routing needed). The input policy's route table
 * (http/input-limits.ts) says which routes sign in and which run a model; reads of either kind are charged as reads.
 */
export function routeClassOf(method: string, url: string): RouteClass {
  const { name } = inputLimitsOf(url);
  if (name === 'auth') return 'auth';
  if (READ_METHODS.has(method)) return 'reads';
  return name === 'inference' ? 'inference' : 'writes';
}
