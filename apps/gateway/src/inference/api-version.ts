import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Versions already accepted: clients send the same one or two dates on every call, so the date parse runs once. */
const accepted = new Set<string>();
const ACCEPTED_MAX = 1024;

/** Every watsonx route takes `?version=YYYY-MM-DD`; any real date is accepted, as the service does. */
export function requireVersion(version: string | undefined): string {
  if (version === undefined || version === '')
    throw new PlatformError(GrpcStatus.INVALID_ARGUMENT, 'missing_version', 'The version query parameter is required (YYYY-MM-DD).', {
      type: 'parameter',
      name: 'version',
    });
  if (accepted.has(version)) return version;
  const valid =
    DATE.test(version) &&
    !Number.isNaN(Date.parse(`${version}T00:00:00Z`)) &&
    new Date(`${version}T00:00:00Z`).toISOString().startsWith(version);
  if (!valid)
    throw new PlatformError(
      GrpcStatus.INVALID_ARGUMENT,
      'invalid_version',
      `The version '${version}' is not a date of the form YYYY-MM-DD.`,
      { type: 'parameter', name: 'version' },
    );
  if (accepted.size < ACCEPTED_MAX) accepted.add(version);
  return version;
}
