import { PlatformError } from '@platform/common';
import type { promptsV1 } from '@platform/contracts';
import { promptView, type PromptJson } from './prompt-view';

/** What the SDK's listPrompts always sends. */
export const WX_PROMPT_QUERY = 'asset.asset_type:wx_prompt';

/**
 * The part of the data platform's Lucene asset query this search answers: terms joined by AND, each one of
 * `asset.asset_type:wx_prompt`, `*:*` or `asset.name:<name>` (quoted when it holds spaces). Anything else is a 400
 * naming `query`, rather than a silently wider answer.
 */
export function promptSearchFilter(query: string | undefined): { name: string } {
  let name = '';
  for (const term of (query ?? WX_PROMPT_QUERY).trim().split(/\s+AND\s+/)) {
    if (term === WX_PROMPT_QUERY || term === '*:*') continue;
    const m = /^asset\.name:(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))$/.exec(term);
    if (!m || name) throw PlatformError.invalid(`query supports ${WX_PROMPT_QUERY}, *:* and one asset.name:<name> joined by AND.`, 'query');
    name = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
  }
  return { name };
}

export interface PromptAssetJson {
  metadata: {
    asset_id: string;
    asset_type: 'wx_prompt';
    name: string;
    description: string;
    project_id?: string;
    space_id?: string;
    created_at: string;
    owner_id: string;
    usage: { last_updated_at: string; last_updater_id: string };
  };
  entity: { wx_prompt: PromptJson };
  href: string;
}

export interface PromptSearchJson {
  total_rows: number;
  results: PromptAssetJson[];
  /** The next page's search (the SDK's pager merges it into its parameters); absent on the last page. */
  next?: { query: string; limit: number; bookmark: string };
}

/** One prompt as the asset search lists it: catalog metadata (ISO times), the prompt itself under `entity.wx_prompt`. */
export function promptAssetView(p: promptsV1.Prompt, publicUrl: string): PromptAssetJson {
  const container = p.spaceId ? { space_id: p.spaceId } : { project_id: p.projectId };
  const [key, value] = Object.entries(container)[0];
  return {
    metadata: {
      asset_id: p.id,
      asset_type: 'wx_prompt',
      name: p.name,
      description: p.description,
      ...container,
      created_at: new Date(p.createdAt).toISOString(),
      owner_id: p.createdBy,
      usage: { last_updated_at: new Date(p.lastUpdatedAt).toISOString(), last_updater_id: p.lastUpdatedBy },
    },
    entity: { wx_prompt: promptView(p) },
    href: `${publicUrl}/wx/v1/prompts/${encodeURIComponent(p.id)}?${key}=${encodeURIComponent(value)}`,
  };
}

export function promptSearchView(res: promptsV1.SearchPromptsResponse, query: string, limit: number, publicUrl: string): PromptSearchJson {
  return {
    total_rows: res.totalRows,
    results: res.prompts.map((p) => promptAssetView(p, publicUrl)),
    ...(res.bookmark ? { next: { query, limit, bookmark: res.bookmark } } : {}),
  };
}
