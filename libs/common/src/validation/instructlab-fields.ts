import { PlatformError } from '../errors/platform-error';

/**
 * One field rule of the public API: the test and the one message it fails with, so the gateway's request checks and
 * the owning services (which also serve other callers over gRPC) reject a value in the same words.
 */
export interface FieldRule {
  /** Completes "<field> must …": the rule's message wherever it is checked. */
  readonly requirement: string;
  readonly pattern: RegExp;
  readonly min: number;
  readonly max: number;
  test(value: string): boolean;
}

function rule(requirement: string, pattern: RegExp, min: number, max: number): FieldRule {
  return { requirement, pattern, min, max, test: (v) => v.length >= min && v.length <= max && pattern.test(v) };
}

/**
 * Resource names of the InstructLab service API (seed 000): taxonomies, data runs, models. The seed's regex
 * ^[a-zA-Z0-9]([_-]?[a-zA-Z0-9]+)*$ backtracks exponentially on a near-miss (31 letters and a '!' held the event loop
 * for 22 s), so names are checked with its linear-time form: runs of letters and digits joined by single - or _.
 */
export const INSTRUCTLAB_NAME = rule(
  'be 1-32 characters matching ^[a-zA-Z0-9]([_-]?[a-zA-Z0-9]+)*$',
  /^[a-zA-Z0-9]+(?:[_-][a-zA-Z0-9]+)*$/,
  1,
  32,
);

/** The seed's own form of the name rule, kept to prove the linear one equivalent in tests. */
export const INSTRUCTLAB_NAME_SEED_PATTERN = /^[a-zA-Z0-9]([_-]?[a-zA-Z0-9]+)*$/;

/** Resource ids: 36 characters of [a-z0-9-] (the seed's id rule). */
export const INSTRUCTLAB_ID = rule('be 36 characters of a-z, 0-9 and "-"', /^[a-z0-9-]+$/, 36, 36);

/** The ids the platform generates (projects, spaces, jobs): lowercase UUIDs. */
export const LOWERCASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Project and space ids. */
export const CONTAINER_ID = rule('be a lowercase UUID', LOWERCASE_UUID, 36, 36);

/**
 * `taxonomy_path_cos` on create: 20-100 characters matching ^([-_./a-zA-Z0-9][a-zA-Z0-9]+)*[^/]$. That seed
 * regex backtracks exponentially on near-misses, so it is checked with this equivalent linear-time form
 * (an optional leading run of 2+ alphanumerics, then separator+alphanumeric groups, then any last character but '/').
 */
export const COS_PATH = rule(
  'be 20-100 characters matching ^([-_./a-zA-Z0-9][a-zA-Z0-9]+)*[^/]$',
  /^(?:[a-zA-Z0-9]{2,})?(?:[-_./][a-zA-Z0-9]+)*[^/]$/,
  20,
  100,
);

/** The seed's own form, kept to prove the linear one equivalent in tests. */
export const COS_PATH_SEED_PATTERN = /^([-_./a-zA-Z0-9][a-zA-Z0-9]+)*[^/]$/;

/** The message of a broken rule: `<label> must <requirement>.` */
export function fieldRuleMessage(r: FieldRule, label: string): string {
  return `${label} must ${r.requirement}.`;
}

/** Throws the 400 for `value` breaking `r`; `field` is the error's target, `label` how the message names it. */
export function requireField(r: FieldRule, value: string, field: string, label = field): void {
  if (!r.test(value)) throw PlatformError.invalid(fieldRuleMessage(r, label), field);
}

export const isInstructlabName = (value: string): boolean => INSTRUCTLAB_NAME.test(value);
export const isInstructlabId = (value: string): boolean => INSTRUCTLAB_ID.test(value);
export const isCosPath = (value: string): boolean => COS_PATH.test(value);

/**
 * Whether an id can name anything the platform made: it issues lowercase UUIDs only. The id rule admits other
 * strings, which name nothing, and the uuid columns refuse (PostgreSQL 22P02) to be compared with them: a lookup
 * skips such an id and answers as for any id of nothing.
 */
export const isIssuedId = (value: string): boolean => LOWERCASE_UUID.test(value);

/** The 400 for a path id that breaks the id rule, the same from the gateway and the owning service; `noun` names the resource. */
export function requireInstructlabId(id: string, noun: string): void {
  requireField(INSTRUCTLAB_ID, id, 'id', `The ${noun} id`);
}

/** The 400 for a project (or space) id that is not a lowercase UUID; `field` names the parameter. */
export function requireContainerId(id: string, field = 'project_id'): void {
  requireField(CONTAINER_ID, id, field);
}
