import { PlatformError } from '@platform/common';
import type { ContainerAccessService } from '../access/container-access.service';
import type { Principal } from '../auth/principal';
import type { ScopedRequest } from './inference.dto';

/** Inference runs in a project or a space the caller can at least view. */
export async function authorizeScope(access: ContainerAccessService, body: ScopedRequest, principal: Principal): Promise<void> {
  if (body.project_id) await access.check('project', body.project_id, principal, 'viewer');
  else if (body.space_id) await access.check('space', body.space_id, principal, 'viewer');
  else throw PlatformError.invalid('Either project_id or space_id is required.', 'project_id');
}
