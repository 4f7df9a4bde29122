import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';

export function bankNotFound(bankUuid: string, field = 'bank_uuid'): PlatformError {
  return new PlatformError(GrpcStatus.NOT_FOUND, 'memory_bank_not_found', `Memory bank "${bankUuid}" does not exist in this project.`, {
    type: 'field',
    name: field,
  });
}

export function documentNotFound(bankUuid: string, documentUuid: string, field: string): PlatformError {
  return new PlatformError(
    GrpcStatus.NOT_FOUND,
    'document_not_found',
    `${field}: memory bank "${bankUuid}" has no document "${documentUuid}".`,
    { type: 'field', name: field },
  );
}

/** The rows of a TypeORM `query` on PostgreSQL: UPDATE/DELETE … RETURNING answer [rows, count], SELECT the rows. */
export function rowsOf<T>(result: unknown): T[] {
  const r = result as unknown[];
  return (Array.isArray(r[0]) ? r[0] : r) as T[];
}
