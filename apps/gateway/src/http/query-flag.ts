import { PlatformError } from '@platform/common';

/**
 * A true/false query parameter (`total_count`, `hard_delete`, `force`, `prefetch` …): unset or empty is `absent`,
 * `true`/`false` what they say, anything else a 400 naming `param`.
 */
export function queryFlag(value: string | undefined, param: string, absent = false): boolean {
  if (value === undefined || value === '') return absent;
  if (value === 'true' || value === 'false') return value === 'true';
  throw PlatformError.invalid(`${param} must be true or false.`, param);
}
