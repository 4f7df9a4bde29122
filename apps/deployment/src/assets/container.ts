import { PlatformError, requireContainerId } from '@platform/common';

/** The project or the space a request names: exactly one of the two. */
export type Container = { kind: 'project'; id: string } | { kind: 'space'; id: string };

/** Reads a request's `project_id`/`space_id`; both or neither is a 400 naming them. */
export function containerOf(req: { projectId: string; spaceId: string }): Container {
  if (req.projectId && req.spaceId) throw PlatformError.invalid('Give either space_id or project_id, not both.', 'space_id');
  if (req.spaceId) {
    requireContainerId(req.spaceId, 'space_id');
    return { kind: 'space', id: req.spaceId };
  }
  if (!req.projectId) throw PlatformError.invalid('Either space_id or project_id has to be given.', 'project_id');
  requireContainerId(req.projectId, 'project_id');
  return { kind: 'project', id: req.projectId };
}

/** The entity columns of a container, for a new row or a `findOneBy`. */
export const containerColumns = (c: Container) => ({
  projectId: c.kind === 'project' ? c.id : null,
  spaceId: c.kind === 'space' ? c.id : null,
});

/** The one column a row of the container matches (the other is null on every row of it). */
export const containerWhere = (c: Container): { projectId: string } | { spaceId: string } =>
  c.kind === 'project' ? { projectId: c.id } : { spaceId: c.id };

/** The same as SQL on the alias `a`. */
export const containerSql = (c: Container, alias: string) =>
  c.kind === 'project' ? `${alias}.project_id = :containerId` : `${alias}.space_id = :containerId`;

/** `project 0b7c…` / `space 0b7c…`, for messages. */
export const describeContainer = (c: Container) => `${c.kind} ${c.id}`;
