import type { DatasetSettings } from '../dataset-settings';

/** What a URL on the platform's own origin names, by its path (the host alone never grants access to anything). */
export type PlatformTarget =
  /** `/v2/asset_files/<path>[?project_id=…]`: a file in a project's storage; `path` percent-decoded. */
  | { kind: 'asset_file'; path: string; projectId?: string; spaceId?: string }
  /** `/v1/projects/<project_id>/data/<data_id>` or `/v1/data/<data_id>`: a data generation run's output. */
  | { kind: 'sdg_output'; projectId?: string; dataId: string }
  /** Another path: nothing a dataset can be read from. */
  | { kind: 'unknown' };

const SDG_IN_PROJECT = /^\/v1\/projects\/([^/]+)\/data\/([^/]+)\/?$/;
const SDG = /^\/v1\/data\/([^/]+)\/?$/;
const ASSET_FILES = '/v2/asset_files/';

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
};

/**
 * The target of a URL on the gateway's public origin (PLATFORM_PUBLIC_URL, any path prefix it has stripped), or
 * undefined for a URL of another origin.
 */
export function platformTarget(
  url: URL,
  settings: Pick<DatasetSettings, 'platformOrigin' | 'platformBasePath'>,
): PlatformTarget | undefined {
  if (url.origin !== settings.platformOrigin) return undefined;
  if (!url.pathname.startsWith(`${settings.platformBasePath}/`)) return { kind: 'unknown' };
  const path = url.pathname.slice(settings.platformBasePath.length);
  const query = (name: string) => url.searchParams.get(name) ?? undefined;
  if (path.startsWith(ASSET_FILES)) {
    const file = decode(path.slice(ASSET_FILES.length));
    return file === undefined
      ? { kind: 'unknown' }
      : { kind: 'asset_file', path: file, projectId: query('project_id'), spaceId: query('space_id') };
  }
  const inProject = SDG_IN_PROJECT.exec(path);
  if (inProject) {
    const [projectId, dataId] = [decode(inProject[1]), decode(inProject[2])];
    return projectId === undefined || dataId === undefined ? { kind: 'unknown' } : { kind: 'sdg_output', projectId, dataId };
  }
  const plain = SDG.exec(path);
  const dataId = plain ? decode(plain[1]) : undefined;
  return dataId === undefined ? { kind: 'unknown' } : { kind: 'sdg_output', dataId };
}
