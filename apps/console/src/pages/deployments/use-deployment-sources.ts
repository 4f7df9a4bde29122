import type { FoundationModelSpecJson, ModelAssetJson } from '@platform/api-types';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { API_VERSION } from '../playground/targets';

export interface DeploymentSources {
  assets: { id: string; label: string }[];
  templates: { id: string; label: string; modelId?: string }[];
  models: string[];
}

interface PromptSearch {
  results: { metadata: { asset_id: string; name: string }; entity: { wx_prompt: { prompt: { model_id?: unknown } } } }[];
}

/** What a deployment can be made from in this project: its model assets, its prompt templates, the catalog's models. */
export function useDeploymentSources(projectId: string, refreshKey: number): { sources?: DeploymentSources; error?: unknown } {
  const [sources, setSources] = useState<DeploymentSources>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const abort = new AbortController();
    const signal = abort.signal;
    const container = { version: API_VERSION, project_id: projectId, limit: 200 };
    Promise.all([
      api<{ resources: ModelAssetJson[] }>('/ml/v4/models', { query: container, signal }),
      api<PromptSearch>('/v2/asset_types/wx_prompt/search', {
        method: 'POST',
        query: { project_id: projectId },
        body: { query: 'asset.asset_type:wx_prompt', limit: 200 },
        signal,
      }),
      api<{ resources: FoundationModelSpecJson[] }>('/ml/v1/foundation_model_specs', {
        query: { version: API_VERSION, limit: 200, filters: 'function_text_generation' },
        signal,
      }),
    ]).then(
      ([assets, prompts, specs]) =>
        setSources({
          assets: assets.resources.map((a) => ({ id: a.metadata.id, label: `${a.metadata.name} (${a.entity.type})` })),
          templates: prompts.results.map((p) => {
            const model = p.entity.wx_prompt.prompt.model_id;
            return { id: p.metadata.asset_id, label: p.metadata.name, ...(typeof model === 'string' ? { modelId: model } : {}) };
          }),
          models: specs.resources.map((s) => s.model_id),
        }),
      (err: unknown) => {
        if (!signal.aborted) setError(err);
      },
    );
    return () => abort.abort();
  }, [projectId, refreshKey]);
  return { sources, error };
}
