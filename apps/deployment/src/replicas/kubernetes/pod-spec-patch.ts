/**
 * PLATFORM_DEPLOYMENT_K8S_POD_SPEC_PATCH: fields merged over each replica's pod spec (node selectors, tolerations,
 * image pull secrets, a priority class). Only a JSON object makes sense there; the containers and volumes the manager
 * builds cannot be replaced through it.
 */
export type PodSpecPatch = Readonly<Record<string, unknown>>;

const OWNED = ['containers', 'initContainers', 'volumes'];

export function podSpecPatch(value: unknown): PodSpecPatch {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('must be a JSON object of pod spec fields');
  const owned = OWNED.filter((k) => k in value);
  if (owned.length) throw new Error(`may not set ${owned.join(', ')} (the manager builds them)`);
  return value as PodSpecPatch;
}
