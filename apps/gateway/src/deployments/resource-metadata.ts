import type { ResourceMetadataJson } from '@platform/api-types';

/** What a deployment and a model asset share: identity, container and the audit fields. */
interface Described {
  id: string;
  projectId: string;
  spaceId: string;
  name: string;
  description: string;
  tags: string[];
  owner: string;
  createdAt?: Date | undefined;
  modifiedAt?: Date | undefined;
}

/** The seed's resource `metadata`: the one container the resource lives in, the description only when there is one. */
export function resourceMetadata(r: Described, rev?: number): ResourceMetadataJson {
  const created = r.createdAt ?? new Date(0);
  return {
    id: r.id,
    created_at: created.toISOString(),
    modified_at: (r.modifiedAt ?? created).toISOString(),
    ...(r.spaceId ? { space_id: r.spaceId } : { project_id: r.projectId }),
    name: r.name,
    ...(r.description ? { description: r.description } : {}),
    tags: r.tags,
    owner: r.owner,
    ...(rev !== undefined ? { rev: String(rev) } : {}),
  };
}

/** A JSON object field the services keep as text (`custom`, `online.parameters`); empty or not an object: none. */
export function jsonObjectOf(text: string): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
