import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Every watsonx route takes `?version=YYYY-MM-DD`; any real date is accepted, as the service does. */
export function requireVersion(version: string | undefined): string {
  if (version === undefined || version === '') throw new PlatformError(GrpcStatus.INVALID_ARGUMENT, 'missing_version', 'The version query parameter is required (YYYY-MM-DD).', { type: 'parameter', name: 'version' });
  const valid = DATE.test(version) && !Number.isNaN(Date.parse(`${version}T00:00:00Z`)) && new Date(`${version}T00:00:00Z`).toISOString().startsWith(version);
  if (!valid) throw new PlatformError(GrpcStatus.INVALID_ARGUMENT, 'invalid_version', `The version '${version}' is not a date of the form YYYY-MM-DD.`, { type: 'parameter', name: 'version' });
  return version;
}
