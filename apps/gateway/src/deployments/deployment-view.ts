import type { DeploymentJson, InferenceUrlJson } from '@platform/api-types';
import type { deploymentV1 } from '@platform/contracts';
import { jsonObjectOf, resourceMetadata } from './resource-metadata';

/**
 * The URLs a deployment answers text generation on, as the seed's examples list them: by id, then by serving name
 * when it has one, for the unary route and then the stream (`sse`). The chat routes exist too; the seed lists these.
 */
export function inferenceUrls(publicUrl: string, id: string, servingName: string): InferenceUrlJson[] {
  const base = `${publicUrl}/ml/v1/deployments`;
  const urls: InferenceUrlJson[] = [];
  for (const [route, sse] of [
    ['generation', false],
    ['generation_stream', true],
  ] as const) {
    urls.push({ url: `${base}/${encodeURIComponent(id)}/text/${route}`, ...(sse ? { sse } : {}) });
    if (servingName)
      urls.push({ url: `${base}/${encodeURIComponent(servingName)}/text/${route}`, ...(sse ? { sse } : {}), uses_serving_name: true });
  }
  return urls;
}

function statusView(d: deploymentV1.Deployment, publicUrl: string): DeploymentJson['entity']['status'] {
  const s = d.status;
  const state = s?.state || 'initializing';
  return {
    state,
    ...(s?.messageText ? { message: { level: s.messageLevel || 'info', text: s.messageText } } : {}),
    ...(state === 'failed'
      ? {
          failure: {
            trace: d.id,
            errors: [{ code: s?.failureCode || 'deployment_failed', message: s?.failureMessage || 'The deployment failed.' }],
          },
        }
      : {}),
    inference: inferenceUrls(publicUrl, d.id, d.servingName),
  };
}

/** A deployment as the seed's DeploymentResource: only the fields its use case has, `online` always. */
export function deploymentView(d: deploymentV1.Deployment, publicUrl: string): DeploymentJson {
  const parameters = jsonObjectOf(d.onlineParametersJson);
  const custom = jsonObjectOf(d.customJson);
  const hw = d.hardwareSpec;
  const hr = d.hardwareRequest;
  return {
    metadata: resourceMetadata(d, d.rev),
    entity: {
      ...(d.assetId ? { asset: { id: d.assetId } } : {}),
      ...(d.promptTemplateId ? { prompt_template: { id: d.promptTemplateId } } : {}),
      online: parameters ? { parameters } : {},
      ...(custom ? { custom } : {}),
      ...(hw
        ? { hardware_spec: { ...(hw.id ? { id: hw.id } : {}), ...(hw.name ? { name: hw.name } : {}), num_nodes: hw.numNodes || 1 } }
        : {}),
      ...(hr ? { hardware_request: { ...(hr.size ? { size: hr.size } : {}), num_nodes: hr.numNodes || 1 } } : {}),
      ...(d.baseModelId ? { base_model_id: d.baseModelId } : {}),
      ...(d.baseDeploymentId ? { base_deployment_id: d.baseDeploymentId } : {}),
      deployed_asset_type: d.deployedAssetType,
      status: statusView(d, publicUrl),
    },
  };
}
