import { PlatformError, storageKey } from '@platform/common';
import { ObjectNotFoundError, ObjectTooLargeError, type ObjectStore } from '@platform/object-store';
import { FIELD } from '../dataset-fields';
import { MAX_DATASET_BYTES } from '../dataset-settings';
import { tooLarge } from '../row-format';

/**
 * A file in the dataset's project storage (`/v2/asset_files/<path>`). The URL's project_id, when given, must be that
 * project; a space's storage is not a project's dataset source.
 */
export async function readAssetFile(
  store: ObjectStore,
  projectId: string,
  target: { path: string; projectId?: string; spaceId?: string },
): Promise<Buffer> {
  if (target.spaceId !== undefined || (target.projectId !== undefined && target.projectId !== projectId))
    throw PlatformError.invalid(
      `${FIELD.contentUrl} must name a file in the storage of project ${projectId}, the dataset's project.`,
      FIELD.contentUrl,
    );
  const key = storageKey({ projectId }, target.path, FIELD.contentUrl);
  if (key.endsWith('/')) throw PlatformError.invalid(`${FIELD.contentUrl} must name a file, not a directory.`, FIELD.contentUrl);
  try {
    return await store.getBuffer(key, MAX_DATASET_BYTES);
  } catch (err) {
    if (err instanceof ObjectTooLargeError) throw tooLarge();
    if (err instanceof ObjectNotFoundError)
      throw PlatformError.invalid(`${FIELD.contentUrl}: project ${projectId} has no file ${target.path} in its storage.`, FIELD.contentUrl);
    throw err;
  }
}
