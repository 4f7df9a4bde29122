import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError, type ErrorTarget } from '@platform/common';
import type { Principal } from '../auth/principal';
import type { UsersService } from '../identity/users.service';
import type { ContainerAccessService } from './container-access.service';

export type RequestHeaders = Record<string, string | string[] | undefined>;

/** The caller's default project (their first), for routes where the project is optional; `missing` explains the alternative. */
export async function defaultProjectOf(
  users: UsersService,
  p: Principal,
  missing: { message: string; target: ErrorTarget },
): Promise<string> {
  const projectId = (await users.findById(p.userId))?.defaultProjectId;
  if (!projectId) throw new PlatformError(GrpcStatus.INVALID_ARGUMENT, 'invalid_request', missing.message, missing.target);
  return projectId;
}

/** The project a route names (`?project_id=`), or else the caller's default project. */
export function projectOrDefault(users: UsersService, projectId: string | undefined, p: Principal): Promise<string> {
  if (projectId !== undefined) return Promise.resolve(projectId);
  return defaultProjectOf(users, p, {
    message: 'project_id is required: you have no default project yet.',
    target: { type: 'field', name: 'project_id' },
  });
}

/**
 * The project named by the first of `headerNames` present, or else the caller's default project, checked for viewer
 * access (the inference routes' cached check). The first header name is the one errors point at.
 */
export async function projectFromHeaders(
  headers: RequestHeaders,
  headerNames: string[],
  p: Principal,
  users: UsersService,
  access: ContainerAccessService,
): Promise<string> {
  const named = headerNames.map((n) => headers[n.toLowerCase()]).find((v) => v !== undefined);
  const projectId =
    (Array.isArray(named) ? named[0] : named) ||
    (await defaultProjectOf(users, p, {
      message: `Send the ${headerNames[0]} header: you have no default project yet.`,
      target: { type: 'header', name: headerNames[0] },
    }));
  await access.check('project', projectId, p, 'viewer', headerNames[0]);
  return projectId;
}
