import { PlatformError } from '../errors/platform-error';

/** Field rules of the InstructLab service API (seed 000), shared by the gateway's validation and the owning services. */
export const INSTRUCTLAB_NAME = { pattern: /^[a-zA-Z0-9]([_-]?[a-zA-Z0-9]+)*$/, min: 1, max: 32 } as const;

/** Resource ids: 36 characters of [a-z0-9-] (the seed's id rule). */
export const INSTRUCTLAB_ID = { pattern: /^[a-z0-9-]+$/, length: 36 } as const;

export const PROJECT_ID = { pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, length: 36 } as const;

/**
 * `taxonomy_path_cos` on create: 20-100 characters matching ^([-_./a-zA-Z0-9][a-zA-Z0-9]+)*[^/]$. That seed
 * regex backtracks exponentially on near-misses, so it is checked with this equivalent linear-time form
 * (an optional leading run of 2+ alphanumerics, then separator+alphanumeric groups, then any last character but '/').
 */
export const COS_PATH = { pattern: /^(?:[a-zA-Z0-9]{2,})?(?:[-_./][a-zA-Z0-9]+)*[^/]$/, min: 20, max: 100 } as const;

/** The seed's own form, kept to prove the linear one equivalent in tests. */
export const COS_PATH_SEED_PATTERN = /^([-_./a-zA-Z0-9][a-zA-Z0-9]+)*[^/]$/;

export function isInstructlabName(value: string): boolean {
  return value.length >= INSTRUCTLAB_NAME.min && value.length <= INSTRUCTLAB_NAME.max && INSTRUCTLAB_NAME.pattern.test(value);
}

export function isInstructlabId(value: string): boolean {
  return value.length === INSTRUCTLAB_ID.length && INSTRUCTLAB_ID.pattern.test(value);
}

/** The 400 for a path id that breaks the id rule, the same from the gateway and the owning service; `noun` names the resource. */
export function requireInstructlabId(id: string, noun: string): void {
  if (!isInstructlabId(id)) throw PlatformError.invalid(`The ${noun} id must be 36 characters of a-z, 0-9 and "-".`, 'id');
}

export function isCosPath(value: string): boolean {
  return value.length >= COS_PATH.min && value.length <= COS_PATH.max && COS_PATH.pattern.test(value);
}
