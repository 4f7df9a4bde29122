import { PlatformError } from '@platform/common';
import type { ContainerAccessService } from '../access/container-access.service';
import type { Principal } from '../auth/principal';
import type { MemberRole } from '../identity/membership.entity';

/** The project or space a watsonx resource route acts in, as the gRPC requests name it (the other one empty). */
export interface ResourceContainer {
  projectId: string;
  spaceId: string;
}

/**
 * Exactly one of `project_id` and `space_id` (query or body), which the caller must hold `role` on; the id rules and the
 * 404/403 answers are the access service's.
 */
export async function resourceContainer(
  access: ContainerAccessService,
  given: { project_id?: string; space_id?: string },
  p: Principal,
  role: MemberRole,
): Promise<ResourceContainer> {
  const { project_id: projectId, space_id: spaceId } = given;
  if (projectId !== undefined && spaceId !== undefined)
    throw PlatformError.invalid('Give either project_id or space_id, not both.', 'space_id');
  if (projectId !== undefined) {
    await access.require('project', projectId, p, role);
    return { projectId, spaceId: '' };
  }
  if (spaceId !== undefined) {
    await access.require('space', spaceId, p, role);
    return { projectId: '', spaceId };
  }
  throw PlatformError.invalid('Either project_id or space_id is required.', 'project_id');
}
