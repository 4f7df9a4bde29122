import type { S3StoreConfig } from '@platform/object-store';
import { UsageError } from './usage-error';

export type Env = Readonly<Record<string, string | undefined>>;

/** Options every verb accepts (flags win over the ILAB_* environment). */
export interface GlobalFlags {
  url?: string;
  apiKey?: string;
  username?: string;
  token?: string;
  projectId?: string;
}

/** S3 flags of `taxonomy create`. */
export interface S3Flags {
  s3Endpoint?: string;
  bucket?: string;
  s3AccessKey?: string;
  s3SecretKey?: string;
  s3Region?: string;
}

export type Credentials = { kind: 'token'; token: string } | { kind: 'api-key'; apiKey: string; username: string };

export interface ApiConfig {
  url: string;
  credentials: Credentials;
  projectId?: string;
}

// The embedded default (`npm start`): gateway on 8080, S3 server on 9000 with the launcher's bucket and keys.
export const DEFAULT_URL = 'http://127.0.0.1:8080';
export const DEFAULT_USERNAME = 'admin';
const DEFAULT_S3: S3StoreConfig = {
  endpoint: 'http://127.0.0.1:9000',
  bucket: 'instructlab',
  region: 'us-east-1',
  accessKey: 'platform',
  secretKey: 'platform-secret',
};

/** Empty strings count as unset: shells and compose files often export `VAR=` for "not configured". */
function first(...values: (string | undefined)[]): string | undefined {
  for (const v of values) {
    const trimmed = v?.trim();
    if (trimmed) return trimmed;
  }
  return undefined;
}

export function resolveApiConfig(flags: GlobalFlags, env: Env): ApiConfig {
  const url = (first(flags.url, env.ILAB_URL) ?? DEFAULT_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(url)) throw new UsageError(`--url must be an http(s) URL, got "${url}".`);
  const username = first(flags.username, env.ILAB_USERNAME) ?? DEFAULT_USERNAME;
  // A flag beats any environment variable, so `--api-key` works even where ILAB_TOKEN is exported.
  const token = first(flags.token) ?? (first(flags.apiKey) ? undefined : first(env.ILAB_TOKEN));
  const apiKey = first(flags.apiKey, env.ILAB_API_KEY);
  let credentials: Credentials;
  if (token) credentials = { kind: 'token', token };
  else if (apiKey) credentials = { kind: 'api-key', apiKey, username };
  else throw new UsageError('No credentials: pass --api-key (or set ILAB_API_KEY), or set ILAB_TOKEN to a bearer token.');
  const projectId = first(flags.projectId, env.ILAB_PROJECT_ID);
  return { url, credentials, ...(projectId ? { projectId } : {}) };
}

export function resolveS3Config(flags: S3Flags, env: Env): S3StoreConfig {
  return {
    endpoint: first(flags.s3Endpoint, env.ILAB_S3_ENDPOINT) ?? DEFAULT_S3.endpoint,
    bucket: first(flags.bucket, env.ILAB_S3_BUCKET) ?? DEFAULT_S3.bucket,
    region: first(flags.s3Region, env.ILAB_S3_REGION) ?? DEFAULT_S3.region,
    accessKey: first(flags.s3AccessKey, env.ILAB_S3_ACCESS_KEY) ?? DEFAULT_S3.accessKey,
    secretKey: first(flags.s3SecretKey, env.ILAB_S3_SECRET_KEY) ?? DEFAULT_S3.secretKey,
  };
}
