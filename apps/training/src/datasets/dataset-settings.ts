import { customSetting, intSetting, listSetting, type ConfigValues } from '@platform/common';

/** Rows a dataset may hold, decoded, whatever its content_url: the one size bound of every source. */
export const MAX_DATASET_BYTES = 16 * 1024 * 1024;

/**
 * Where dataset content may come from. The platform's own URLs are those on the gateway's public origin
 * (PLATFORM_PUBLIC_URL, as the gateway reads it: default http://127.0.0.1:<PLATFORM_PORT>); other http(s) hosts only
 * when listed in PLATFORM_DATASET_URL_HOSTS.
 */
export const DATASET_SETTINGS = {
  publicUrl: customSetting('PLATFORM_PUBLIC_URL', (raw) => {
    if (raw === undefined) return undefined;
    const url = URL.canParse(raw) ? new URL(raw) : undefined;
    if (!url || !['http:', 'https:'].includes(url.protocol)) throw new Error(`must be an http(s) URL, got "${raw}"`);
    return url;
  }),
  gatewayPort: intSetting('PLATFORM_PORT', { default: 8080, max: 65535 }),
  /** `host` or `host:port` entries, compared with the URL's host (case-insensitive). */
  urlHosts: listSetting('PLATFORM_DATASET_URL_HOSTS'),
  fetchTimeoutMs: intSetting('PLATFORM_DATASET_FETCH_TIMEOUT_MS', { default: 30_000, min: 1 }),
};

export interface DatasetSettings {
  /** The gateway's public origin, e.g. `https://llm-platform.example.com`. */
  platformOrigin: string;
  /** The public URL's path ('' or e.g. `/platform`): the platform's paths follow it. */
  platformBasePath: string;
  urlHosts: string[];
  fetchTimeoutMs: number;
}

export function datasetSettings(v: ConfigValues<typeof DATASET_SETTINGS>): DatasetSettings {
  const publicUrl = v.publicUrl ?? new URL(`http://127.0.0.1:${v.gatewayPort}`);
  return {
    platformOrigin: publicUrl.origin,
    platformBasePath: publicUrl.pathname.replace(/\/+$/, ''),
    urlHosts: v.urlHosts.map((h) => h.toLowerCase()),
    fetchTimeoutMs: v.fetchTimeoutMs,
  };
}
