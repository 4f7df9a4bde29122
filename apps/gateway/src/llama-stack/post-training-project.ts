import type { ContainerAccessService } from '../access/container-access.service';
import { projectFromHeaders, type RequestHeaders } from '../access/request-project';
import type { Principal } from '../auth/principal';
import type { UsersService } from '../identity/users.service';

/**
 * The project of a Llama Stack training or dataset route (X-Project-Id, else the caller's default project): viewers
 * read, editors create and delete (the second check hits the access cache the first one filled).
 */
export async function trainingProject(
  headers: RequestHeaders,
  p: Principal,
  role: 'viewer' | 'editor',
  users: UsersService,
  access: ContainerAccessService,
): Promise<string> {
  const projectId = await projectFromHeaders(headers, ['X-Project-Id'], p, users, access);
  if (role === 'editor') await access.check('project', projectId, p, 'editor', 'X-Project-Id');
  return projectId;
}
