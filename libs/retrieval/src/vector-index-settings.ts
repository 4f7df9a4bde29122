import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadS3Config, type EnvSource } from '@platform/object-store';

/** Where LanceDB keeps its tables, and how to reach that store. */
export interface VectorIndexSettings {
  /** A local directory, or `s3://<bucket>/<prefix>`. */
  uri: string;
  /** LanceDB's object-store options (endpoint, keys, region); empty for a local directory. */
  storageOptions: Record<string, string>;
  /**
   * Seconds after which a read checks the store for other processes' writes (LanceDB's readConsistencyInterval;
   * `PLATFORM_VECTOR_INDEX_READ_CONSISTENCY_S`, default 0: every read does), so a replica sees at once the vectors
   * another replica wrote; a larger interval saves store reads (on S3) at the price of that delay.
   */
  readConsistencySeconds: number;
}

/**
 * `PLATFORM_VECTOR_INDEX_URI`: unset, `<PLATFORM_DATA_DIR or the OS temp dir>/vector-index` on local disk (the embedded
 * default); `s3://<bucket>/<prefix>` keeps the index in an S3-compatible store reached with the platform's
 * `PLATFORM_S3_*` endpoint, region and keys, as the object store is. `env` is injectable so tests need not touch
 * process.env.
 */
export function loadVectorIndexSettings(env: EnvSource = process.env): VectorIndexSettings {
  const consistency = env.PLATFORM_VECTOR_INDEX_READ_CONSISTENCY_S?.trim() || '0';
  const readConsistencySeconds = Number(consistency);
  if (!/^\d+(\.\d+)?$/.test(consistency) || readConsistencySeconds > 3600)
    throw new Error(`PLATFORM_VECTOR_INDEX_READ_CONSISTENCY_S must be a number of seconds from 0 to 3600, got ${consistency}`);
  return { ...locate(env), readConsistencySeconds };
}

function locate(env: EnvSource): Omit<VectorIndexSettings, 'readConsistencySeconds'> {
  const configured = env.PLATFORM_VECTOR_INDEX_URI?.trim();
  if (!configured) return { uri: join(resolve(env.PLATFORM_DATA_DIR?.trim() || tmpdir()), 'vector-index'), storageOptions: {} };
  if (configured.startsWith('s3://')) {
    if (!/^s3:\/\/[^/]+/.test(configured)) throw new Error(`PLATFORM_VECTOR_INDEX_URI ${configured} names no bucket`);
    const s3 = loadS3Config(env);
    return {
      uri: configured.replace(/\/+$/, ''),
      storageOptions: {
        endpoint: s3.endpoint,
        region: s3.region,
        aws_access_key_id: s3.accessKey,
        aws_secret_access_key: s3.secretKey,
        // MinIO, s3rver and IBM COS endpoints are addressed by path, and local ones speak plain HTTP.
        virtual_hosted_style_request: 'false',
        allow_http: String(s3.endpoint.startsWith('http://')),
      },
    };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(configured))
    throw new Error(`PLATFORM_VECTOR_INDEX_URI must be a directory or an s3:// URI, got ${configured}`);
  return { uri: resolve(configured), storageOptions: {} };
}
