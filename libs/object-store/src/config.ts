/** Everything needed to reach one bucket on any S3-compatible service (AWS, IBM COS, MinIO, s3rver). */
export interface S3StoreConfig {
  endpoint: string;
  bucket: string;
  region: string;
  accessKey: string;
  secretKey: string;
}

export type EnvSource = Readonly<Record<string, string | undefined>>;

// Defaults match the local MinIO of the dev stack, so a bare `npm start` needs no configuration.
const DEFAULT_PORT = '9000';
const DEFAULT_BUCKET = 'instructlab';
const DEFAULT_REGION = 'us-east-1';
const DEFAULT_ACCESS_KEY = 'platform';
const DEFAULT_SECRET_KEY = 'platform-secret';

/** Empty strings count as unset: compose files and shells often export `VAR=` for "not configured". */
function pick(env: EnvSource, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** Reads the PLATFORM_S3_* variables; `env` is injectable so tests need not touch process.env. */
export function loadS3Config(env: EnvSource = process.env): S3StoreConfig {
  const port = pick(env, 'PLATFORM_S3_PORT') ?? DEFAULT_PORT;
  return {
    endpoint: pick(env, 'PLATFORM_S3_ENDPOINT') ?? `http://127.0.0.1:${port}`,
    bucket: pick(env, 'PLATFORM_S3_BUCKET') ?? DEFAULT_BUCKET,
    region: pick(env, 'PLATFORM_S3_REGION') ?? DEFAULT_REGION,
    accessKey: pick(env, 'PLATFORM_S3_ACCESS_KEY') ?? DEFAULT_ACCESS_KEY,
    secretKey: pick(env, 'PLATFORM_S3_SECRET_KEY') ?? DEFAULT_SECRET_KEY,
  };
}
