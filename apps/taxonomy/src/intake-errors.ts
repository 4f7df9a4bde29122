import { PlatformError } from '@platform/common';
import { InvalidArchiveError, UnsafeArchiveError } from './intake';

/** Refused archives are the client's fault: 400 with the reason, naming the field that pointed at them. */
export function archiveErrorToPlatform(err: unknown): never {
  if (err instanceof UnsafeArchiveError || err instanceof InvalidArchiveError) {
    throw PlatformError.invalid(`The taxonomy archive was refused: ${err.message}`, 'taxonomy_path_cos');
  }
  throw err;
}
