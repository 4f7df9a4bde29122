import { containerStoragePrefix } from '@platform/common';

/** The bucket's per-container storage (`/v2/asset_files`), whose files only members of their project or space may read. */
const CONTAINER_STORAGE = /^(projects|spaces)\//;

/**
 * Why `taxonomy_path_cos` may not be read for `projectId`, or undefined when it may. The bucket's shared upload area
 * (`taxonomies/…`, written with S3 credentials as IBM COS users do) is open to every project; a project's storage is
 * its own: naming another project's or a space's file would read it past the gateway's membership check.
 */
export function archiveKeyProblem(projectId: string, key: string): string | undefined {
  if (!CONTAINER_STORAGE.test(key) || key.startsWith(containerStoragePrefix({ projectId }))) return undefined;
  return `taxonomy_path_cos names a file in another project's or a space's storage; use a file of this project's storage (projects/${projectId}/assets/…) or of taxonomies/`;
}
