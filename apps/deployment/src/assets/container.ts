import type { Container } from '../deployments/prompt-templates';

export type { Container };
export { checkContainer } from '../deployments/deployment-fields';

/** The one column a row of the container matches (the other is null on every row of it). */
export const containerWhere = (c: Container): { projectId: string } | { spaceId: string } =>
  c.projectId ? { projectId: c.projectId } : { spaceId: c.spaceId ?? '' };

/** `project 0b7c…` / `space 0b7c…`, for messages. */
export const describeContainer = (c: Container) => (c.projectId ? `project ${c.projectId}` : `space ${c.spaceId}`);
