import { PlatformError } from '@platform/common';

export const TUNING_STATES = ['queued', 'pending', 'running', 'storing', 'completed', 'failed', 'canceled'] as const;

/** The `state` filter of a tuning list ('' for all); anything but a watsonx training state is a 400 naming it. */
export function stateFilterOf(state: string | undefined): string {
  if (state === undefined || state === '') return '';
  if (!(TUNING_STATES as readonly string[]).includes(state))
    throw PlatformError.invalid(`state must be one of ${TUNING_STATES.join(', ')}.`, 'state');
  return state;
}
