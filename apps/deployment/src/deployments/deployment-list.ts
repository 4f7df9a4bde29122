import { NEWEST_FIRST, PlatformError, WATSONX_PAGE, isIssuedId, keysetPage, pageRequest, type Page } from '@platform/common';
import type { deploymentV1 } from '@platform/contracts';
import type { DataSource } from 'typeorm';
import { DeploymentEntity, type DeployedAssetType } from './deployment.entity';
import { checkContainer } from './deployment-fields';

const TYPES: readonly DeployedAssetType[] = [
  'prompt_tune',
  'foundation_model',
  'custom_foundation_model',
  'fine_tune',
  'autoai_rag_pattern',
];
const STATES = ['initializing', 'updating', 'ready', 'failed'];

/**
 * The seed's `type` filter: a deployed_asset_type, `prompt_template` (any deployment with a template), or both joined
 * by "and" (`custom_foundation_model and prompt_template`), in either order.
 */
export function parseTypeFilter(value: string): { type?: DeployedAssetType; withTemplate: boolean } {
  const parts = value.trim().split(/\s+and\s+/);
  const withTemplate = parts.includes('prompt_template');
  const rest = parts.filter((p) => p !== 'prompt_template');
  const type = TYPES.find((t) => t === rest[0]);
  if (parts.length > 2 || rest.length > 1 || (rest.length === 1 && !type) || (parts.length === 2 && !withTemplate))
    throw PlatformError.invalid(`type must be one of ${TYPES.join(', ')}, prompt_template, or "<type> and prompt_template".`, 'type');
  return { ...(type ? { type } : {}), withTemplate };
}

/**
 * One page of a container's deployments, newest first, with the seed's filters. Temporary and deleted deployments are
 * never listed. A deployment on a base deployment has the base's state, so `state` is matched against that.
 */
export function listDeployments(db: DataSource, req: deploymentV1.ListDeploymentsRequest): Promise<Page<DeploymentEntity>> {
  const container = checkContainer(req.projectId, req.spaceId);
  const page = pageRequest({ limit: req.limit, start: req.start }, WATSONX_PAGE);
  const qb = db
    .getRepository(DeploymentEntity)
    .createQueryBuilder('d')
    .leftJoin(DeploymentEntity, 'b', 'b.id = d.base_deployment_id')
    .where(container.projectId ? 'd.project_id = :projectId' : 'd.space_id = :spaceId', container)
    .andWhere('d.deleted_at IS NULL AND NOT d.temporary');
  if (req.servingName) qb.andWhere('d.serving_name = :servingName', { servingName: req.servingName });
  if (req.tagValue) qb.andWhere(':tag = ANY(d.tags)', { tag: req.tagValue });
  if (req.assetId) {
    if (isIssuedId(req.assetId)) qb.andWhere('d.asset_id = :assetId', { assetId: req.assetId });
    else qb.andWhere('false');
  }
  if (req.promptTemplateId) qb.andWhere('d.prompt_template_id = :templateId', { templateId: req.promptTemplateId });
  if (req.name) qb.andWhere('d.name = :name', { name: req.name });
  if (req.type) {
    const { type, withTemplate } = parseTypeFilter(req.type);
    if (type) qb.andWhere('d.deployed_asset_type = :type', { type });
    if (withTemplate) qb.andWhere('d.prompt_template_id IS NOT NULL');
  }
  if (req.state) {
    if (!STATES.includes(req.state)) throw PlatformError.invalid(`state must be one of ${STATES.join(', ')}.`, 'state');
    qb.andWhere(
      `(CASE WHEN d.base_deployment_id IS NULL THEN d.state WHEN b.id IS NULL OR b.deleted_at IS NOT NULL THEN 'failed' ELSE b.state END) = :state`,
      { state: req.state },
    );
  }
  return keysetPage(qb, NEWEST_FIRST('d'), page);
}
