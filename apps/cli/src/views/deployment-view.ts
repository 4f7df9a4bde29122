import type { ReceivedDeployment } from '../received';
import { renderFields, renderTable } from '../output';

const servingName = (d: ReceivedDeployment) => {
  const name = d.entity?.online?.parameters?.serving_name;
  return typeof name === 'string' ? name : undefined;
};

/** Why a deployment failed: the status message, else the failure's first error. */
export function failureText(d: ReceivedDeployment): string | undefined {
  const s = d.entity?.status;
  if (s?.state !== 'failed') return undefined;
  return s.failure?.errors?.map((e) => e.message).find(Boolean) ?? s.message?.text;
}

export function deploymentTable(list: ReceivedDeployment[]): string {
  return renderTable(
    ['ID', 'NAME', 'SERVING NAME', 'STATE', 'TYPE', 'ASSET', 'CREATED'],
    list.map((d) => [
      d.metadata.id,
      d.metadata.name ?? '',
      servingName(d) ?? '',
      d.entity?.status?.state ?? '',
      d.entity?.deployed_asset_type ?? '',
      d.entity?.asset?.id ?? '',
      d.metadata.created_at ?? '',
    ]),
    'No deployments.',
  );
}

/** The inference URLs, one a line: streams marked (SSE), serving-name URLs after the id ones as the API lists them. */
export function inferenceUrls(d: ReceivedDeployment): string {
  const urls = d.entity?.status?.inference ?? [];
  if (urls.length === 0) return '';
  return `\nInference URLs\n${urls.map((u) => `  ${u.url}${u.sse ? '   (SSE)' : ''}`).join('\n')}\n`;
}

export function deploymentDetails(d: ReceivedDeployment): string {
  const e = d.entity;
  const hw = e?.hardware_spec;
  return (
    renderFields([
      ['ID', d.metadata.id],
      ['Name', d.metadata.name],
      ['Description', d.metadata.description],
      ['Project', d.metadata.project_id],
      ['Space', d.metadata.space_id],
      ['Serving name', servingName(d)],
      ['State', e?.status?.state],
      ['Failure', failureText(d)],
      ['Message', e?.status?.state === 'failed' ? undefined : e?.status?.message?.text],
      ['Type', e?.deployed_asset_type],
      ['Asset', e?.asset?.id],
      ['Prompt template', e?.prompt_template?.id],
      ['Base model', e?.base_model_id],
      ['Base deployment', e?.base_deployment_id],
      ['Hardware spec', hw ? `${hw.id ?? hw.name ?? ''}${hw.num_nodes !== undefined ? ` × ${hw.num_nodes}` : ''}` : undefined],
      ['Tags', d.metadata.tags?.join(', ')],
      ['Created', d.metadata.created_at],
      ['Modified', d.metadata.modified_at],
    ]) + inferenceUrls(d)
  );
}
