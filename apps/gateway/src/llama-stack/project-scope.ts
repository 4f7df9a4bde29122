import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import type { ContainerAccessService } from '../access/container-access.service';
import type { Principal } from '../auth/principal';
import type { UsersService } from '../identity/users.service';

export type RequestHeaders = Record<string, string | string[] | undefined>;

/** The draft has no project field: the project comes from X-Project-Id or the caller's default project. */
export async function projectOf(headers: RequestHeaders, p: Principal, users: UsersService, access: ContainerAccessService): Promise<string> {
  const header = headers['x-project-id'];
  let projectId = Array.isArray(header) ? header[0] : header;
  if (!projectId) {
    projectId = (await users.findById(p.userId))?.defaultProjectId ?? undefined;
    if (!projectId) throw new PlatformError(GrpcStatus.INVALID_ARGUMENT, 'invalid_request', 'Send the X-Project-Id header: you have no default project yet.', { type: 'header', name: 'X-Project-Id' });
  }
  await access.require('project', projectId, p, 'viewer', 'X-Project-Id');
  return projectId;
}
