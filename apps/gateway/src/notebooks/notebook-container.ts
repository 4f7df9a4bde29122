import { status as GrpcStatus } from '@grpc/grpc-js';
import { CONTAINER_ID, PlatformError, requireField, unary } from '@platform/common';
import type { notebooksV1 } from '@platform/contracts';
import type { ContainerAccessService } from '../access/container-access.service';
import type { Principal } from '../auth/principal';
import { resourceContainer, type ResourceContainer } from '../access/resource-container';
import type { MemberRole } from '../identity/membership.entity';

/** What a route on one notebook was given: the path id and, optionally, the container in the query. */
export interface NotebookRef {
  id: string;
  /** The path parameter's name, for its 400. */
  param?: string;
  project_id?: string;
  space_id?: string;
}

const isForbidden = (err: unknown) => err instanceof PlatformError && err.grpcCode === GrpcStatus.PERMISSION_DENIED;

/**
 * The project or space of a notebook, which the caller must hold `role` on. The seed's routes on one notebook name no
 * container: then the notebook is looked up by id and its own container is checked, and a caller who is no member of
 * it gets the same 404 as for an id of nothing (a guid does not tell outsiders that a notebook exists); a member below
 * `role` gets 403. A container given in the query (`project_id` or `space_id`) is checked first, as on every other
 * watsonx route, and the service then finds the notebook only in it.
 */
export async function notebookContainer(
  access: ContainerAccessService,
  notebooks: notebooksV1.NotebookServiceClient,
  ref: NotebookRef,
  p: Principal,
  role: MemberRole,
): Promise<ResourceContainer> {
  requireField(CONTAINER_ID, ref.id, ref.param ?? 'notebook_guid');
  if (ref.project_id !== undefined || ref.space_id !== undefined) return resourceContainer(access, ref, p, role);
  const found = (await unary(notebooks.getNotebook({ projectId: '', spaceId: '', id: ref.id }))).notebook;
  if (!found) throw notebookNotFound(ref.id);
  const [kind, containerId] = found.spaceId ? (['space', found.spaceId] as const) : (['project', found.projectId] as const);
  try {
    await access.require(kind, containerId, p, 'viewer');
  } catch (err) {
    throw isForbidden(err) ? notebookNotFound(ref.id) : err;
  }
  if (role !== 'viewer') await access.require(kind, containerId, p, role);
  return { projectId: found.projectId, spaceId: found.spaceId };
}

/** The 404 of a notebook id that names nothing the caller can see: word for word the service's for an unknown id. */
export function notebookNotFound(id: string): PlatformError {
  return PlatformError.notFound(`Notebook ${id} was not found.`, 'notebook_not_found');
}
