import { PlatformError, isIssuedId } from '@platform/common';
import type { EntityManager } from 'typeorm';
import { containerWhere, describeContainer, type Container } from './container';
import { ModelAssetEntity } from './model-asset.entity';

/**
 * The model asset `id` of the container, or null. Inside a transaction that creates or repoints a deployment, pass
 * `lock: 'share'`: the asset row stays locked until that transaction ends, and a concurrent DeleteModelAsset (which
 * locks it for update, then looks for live deployments using it) waits and sees the new deployment, so an asset in
 * use is never deleted.
 */
export async function findAsset(
  manager: EntityManager,
  container: Container,
  id: string,
  lock?: 'share' | 'update',
): Promise<ModelAssetEntity | null> {
  if (!isIssuedId(id)) return null;
  return manager.getRepository(ModelAssetEntity).findOne({
    where: { id, ...containerWhere(container) },
    ...(lock ? { lock: { mode: lock === 'share' ? 'pessimistic_read' : 'pessimistic_write' } } : {}),
  });
}

/** The 404 of an asset id that names no asset of the container. */
export function assetNotFound(container: Container, id: string): PlatformError {
  return PlatformError.notFound(`Model asset ${id} was not found in ${describeContainer(container)}.`, 'model_not_found');
}
