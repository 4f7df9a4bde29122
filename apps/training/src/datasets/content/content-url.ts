import { PlatformError } from '@platform/common';
import type { ObjectStore } from '@platform/object-store';
import type { DataJobs } from '../../data/data-jobs';
import type { DatasetRow } from '../dataset-rows';
import { FIELD, MAX_REMOTE_URL_CHARS } from '../dataset-fields';
import type { DatasetSettings } from '../dataset-settings';
import { parseRows } from '../row-format';
import { readAssetFile } from './asset-file-content';
import { readDataUrl } from './data-url-content';
import { fetchListedUrl, isListedHost } from './http-content';
import { platformTarget } from './platform-urls';
import { readSdgOutput } from './sdg-output-content';

export interface ContentSources {
  store: ObjectStore;
  dataJobs: DataJobs;
  settings: DatasetSettings;
}

const invalid = (message: string) => PlatformError.invalid(`${FIELD.contentUrl} ${message}`, FIELD.contentUrl);

/**
 * The rows a dataset's content_url holds, read once at create: inline `data:` rows; the platform's own URLs
 * (project storage, a data generation run's output), recognised by path on the gateway's public origin and read
 * straight from the bucket; other http(s) URLs only on hosts the operator listed. `file://` and anything else: 400.
 */
export async function readContentRows(contentUrl: string, projectId: string, sources: ContentSources): Promise<DatasetRow[]> {
  if (/^data:/i.test(contentUrl)) {
    const { bytes, format } = await readDataUrl(contentUrl);
    return parseRows(bytes, format);
  }
  if (contentUrl.length > MAX_REMOTE_URL_CHARS)
    throw invalid(`must be at most ${MAX_REMOTE_URL_CHARS} characters unless it is a data: URL.`);
  if (!URL.canParse(contentUrl)) throw invalid('must be a URL (data:, or http(s)://).');
  const url = new URL(contentUrl);
  if (url.protocol === 'file:')
    throw invalid('must not be a file:// URL: the platform reads no files of its own hosts; use a data: URL or project storage.');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`must be a data: or http(s) URL, got ${url.protocol}.`);
  const target = platformTarget(url, sources.settings);
  if (target?.kind === 'asset_file') return parseRows(await readAssetFile(sources.store, projectId, target), 'sniff');
  if (target?.kind === 'sdg_output') return readSdgOutput(sources.store, sources.dataJobs, projectId, target);
  if (target)
    throw invalid(
      `names ${url.pathname} on the platform, which is no dataset source: use /v2/asset_files/<path> or /v1/projects/<project_id>/data/<data_id>.`,
    );
  if (!isListedHost(url, sources.settings))
    throw invalid(`names host ${url.host}, which is not among the hosts this platform reads datasets from (PLATFORM_DATASET_URL_HOSTS).`);
  return parseRows(await fetchListedUrl(url, sources.settings), 'sniff');
}
