import { PlatformError } from '@platform/common';
import { FIELD } from '../dataset-fields';
import { MAX_DATASET_BYTES, type DatasetSettings } from '../dataset-settings';
import { tooLarge } from '../row-format';

const MAX_REDIRECTS = 3;
const invalid = (message: string) => PlatformError.invalid(`${FIELD.contentUrl} ${message}`, FIELD.contentUrl);

/** Whether the operator listed the URL's host (`host` or `host:port`) in PLATFORM_DATASET_URL_HOSTS. */
export function isListedHost(url: URL, settings: Pick<DatasetSettings, 'urlHosts'>): boolean {
  return settings.urlHosts.includes(url.host.toLowerCase()) || settings.urlHosts.includes(url.hostname.toLowerCase());
}

/**
 * The body of an http(s) URL on a listed host: no credentials sent (none in the URL, no cookies or auth headers),
 * redirects followed only within the same host, at most MAX_DATASET_BYTES read and the whole exchange bounded by
 * PLATFORM_DATASET_FETCH_TIMEOUT_MS. Every failure is a 400 naming content_url: the URL is the caller's.
 */
export async function fetchListedUrl(url: URL, settings: Pick<DatasetSettings, 'fetchTimeoutMs'>): Promise<Buffer> {
  if (url.username !== '' || url.password !== '') throw invalid('must not carry credentials.');
  const signal = AbortSignal.timeout(settings.fetchTimeoutMs);
  try {
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const res = await fetch(current, {
        redirect: 'manual',
        signal,
        headers: { accept: 'application/json, application/jsonl, text/plain' },
      });
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel();
        const location = res.headers.get('location');
        const next = location && URL.canParse(location, current.href) ? new URL(location, current.href) : undefined;
        if (!next || next.host !== url.host || !['http:', 'https:'].includes(next.protocol))
          throw invalid(`redirects to ${next ? next.host || next.protocol : 'nowhere'}; only redirects within ${url.host} are followed.`);
        current = next;
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw invalid(`could not be read: ${url.host} answered HTTP ${res.status}.`);
      }
      if (Number(res.headers.get('content-length') ?? 0) > MAX_DATASET_BYTES) {
        await res.body?.cancel();
        throw tooLarge();
      }
      return await readBounded(res);
    }
    throw invalid(`redirects more than ${MAX_REDIRECTS} times.`);
  } catch (err) {
    if (err instanceof PlatformError) throw err;
    if (signal.aborted) throw invalid(`could not be read within ${settings.fetchTimeoutMs} ms.`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw invalid(`could not be read: ${cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))}.`);
  }
}

/** The body, refusing (and cancelling the transfer) as soon as it passes the limit: a missing or false length cannot fool it. */
async function readBounded(res: Response): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let seen = 0;
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, seen);
    seen += value.byteLength;
    if (seen > MAX_DATASET_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(Buffer.from(value));
  }
}
