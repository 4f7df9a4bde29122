import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { PlatformError } from '@platform/common';
import type { ContainerAccessService } from './container-access.service';
import type { Principal } from '../auth/principal';
import type { MemberRole } from '../identity/membership.entity';

/** The OpenAPI query of a route acting in a project or a space (exactly one of them; see resourceContainer). */
export const IN_CONTAINER = applyDecorators(
  ApiQuery({ name: 'project_id', required: false }),
  ApiQuery({ name: 'space_id', required: false }),
);

/** The same for the watsonx routes that also take the API version. */
export const IN_CONTAINER_VERSIONED = applyDecorators(ApiQuery({ name: 'version', required: true, example: '2024-05-31' }), IN_CONTAINER);

/** The project or space a watsonx resource route acts in, as the gRPC requests name it (the other one empty). */
export interface ResourceContainer {
  projectId: string;
  spaceId: string;
}

/**
 * Exactly one of `project_id` and `space_id` (query or body), which the caller must hold `role` on, with the role the
 * caller holds there (a service that lets admins override, as prompt locks do, needs it); the id rules and the 404/403
 * answers are the access service's.
 */
export async function resourceContainerAccess(
  access: ContainerAccessService,
  given: { project_id?: string; space_id?: string },
  p: Principal,
  role: MemberRole,
): Promise<{ container: ResourceContainer; role: MemberRole }> {
  const { project_id: projectId, space_id: spaceId } = given;
  if (projectId !== undefined && spaceId !== undefined)
    throw PlatformError.invalid('Give either project_id or space_id, not both.', 'space_id');
  if (projectId !== undefined) {
    const held = await access.require('project', projectId, p, role);
    return { container: { projectId, spaceId: '' }, role: held.role };
  }
  if (spaceId !== undefined) {
    const held = await access.require('space', spaceId, p, role);
    return { container: { projectId: '', spaceId }, role: held.role };
  }
  throw PlatformError.invalid('Either project_id or space_id is required.', 'project_id');
}

/** Exactly one of `project_id` and `space_id`, which the caller must hold `role` on (see resourceContainerAccess). */
export async function resourceContainer(
  access: ContainerAccessService,
  given: { project_id?: string; space_id?: string },
  p: Principal,
  role: MemberRole,
): Promise<ResourceContainer> {
  return (await resourceContainerAccess(access, given, p, role)).container;
}
