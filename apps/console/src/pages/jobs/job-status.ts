import { TERMINAL_STATUSES, type JobStatus } from '@platform/api-types';
import { INSTRUCTLAB_NAME_PATTERN } from '../taxonomies/taxonomy-name';

/** The Carbon tag colour of a job status: one look for data and model jobs. */
export type StatusTagType = 'gray' | 'blue' | 'green' | 'red' | 'warm-gray';

const TAG: Record<JobStatus, StatusTagType> = {
  queued: 'gray',
  running: 'blue',
  completed: 'green',
  failed: 'red',
  canceled: 'warm-gray',
};

export const statusTagType = (status: JobStatus): StatusTagType => TAG[status] ?? 'gray';

/** Whether a job can still change (and so can be canceled, and is worth watching). */
export const isActive = (status: JobStatus): boolean => !TERMINAL_STATUSES.includes(status);

/** The InstructLab name rule the gateway checks, so that the form says why before the API would refuse it. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'A name is required.';
  if (name.length > 32) return 'At most 32 characters.';
  if (!INSTRUCTLAB_NAME_PATTERN.test(name))
    return 'Letters and digits, joined by single "-" or "_" (no leading, trailing or doubled ones).';
  return undefined;
}

/** A whole number in [min, max], or undefined for an empty field; the problem otherwise. */
export function intProblem(text: string, min: number, max: number): string | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n)) return 'A whole number.';
  if (n < min || n > max) return `Between ${min} and ${max}.`;
  return undefined;
}
