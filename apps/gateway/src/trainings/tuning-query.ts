import { PlatformError } from '@platform/common';

export const TUNING_STATES = ['queued', 'pending', 'running', 'storing', 'completed', 'failed', 'canceled'] as const;

/** The `state` filter of a tuning list ('' for all); anything but a watsonx training state is a 400 naming it. */
export function stateFilterOf(state: string | undefined): string {
  if (state === undefined || state === '') return '';
  if (!(TUNING_STATES as readonly string[]).includes(state))
    throw PlatformError.invalid(`state must be one of ${TUNING_STATES.join(', ')}.`, 'state');
  return state;
}

/** `hard_delete`: true deletes the job, false or unset cancels it and keeps it. */
export function hardDeleteOf(value: string | undefined): boolean {
  if (value !== undefined && value !== 'true' && value !== 'false')
    throw PlatformError.invalid('hard_delete must be true or false.', 'hard_delete');
  return value === 'true';
}
