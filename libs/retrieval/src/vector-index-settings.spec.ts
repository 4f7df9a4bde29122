import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadVectorIndexSettings } from './vector-index-settings';
import { tableName } from './vector-index';

describe('loadVectorIndexSettings', () => {
  it('defaults to <PLATFORM_DATA_DIR or tmp>/vector-index on local disk', () => {
    expect(loadVectorIndexSettings({})).toEqual({ uri: join(tmpdir(), 'vector-index'), storageOptions: {}, readConsistencySeconds: 0 });
    expect(loadVectorIndexSettings({ PLATFORM_DATA_DIR: '/srv/data' })).toMatchObject({
      uri: '/srv/data/vector-index',
      storageOptions: {},
    });
    expect(loadVectorIndexSettings({ PLATFORM_VECTOR_INDEX_URI: '/var/lib/index' }).uri).toBe('/var/lib/index');
  });

  it('reaches s3://bucket/prefix with the platform S3 endpoint and keys', () => {
    const settings = loadVectorIndexSettings({
      PLATFORM_VECTOR_INDEX_URI: 's3://vectors/agents/',
      PLATFORM_S3_ENDPOINT: 'http://127.0.0.1:9100',
      PLATFORM_S3_ACCESS_KEY: 'ak',
      PLATFORM_S3_SECRET_KEY: 'sk',
      PLATFORM_S3_REGION: 'eu-de',
    });
    expect(settings).toEqual({
      readConsistencySeconds: 0,
      uri: 's3://vectors/agents',
      storageOptions: {
        endpoint: 'http://127.0.0.1:9100',
        region: 'eu-de',
        aws_access_key_id: 'ak',
        aws_secret_access_key: 'sk',
        virtual_hosted_style_request: 'false',
        allow_http: 'true',
      },
    });
    expect(
      loadVectorIndexSettings({ PLATFORM_VECTOR_INDEX_URI: 's3://b/p', PLATFORM_S3_ENDPOINT: 'https://s3.eu.cloud' }).storageOptions
        .allow_http,
    ).toBe('false');
  });

  it('reads the read-consistency interval, and refuses a bad one', () => {
    expect(loadVectorIndexSettings({ PLATFORM_VECTOR_INDEX_READ_CONSISTENCY_S: '2.5' }).readConsistencySeconds).toBe(2.5);
    expect(() => loadVectorIndexSettings({ PLATFORM_VECTOR_INDEX_READ_CONSISTENCY_S: '-1' })).toThrow(/READ_CONSISTENCY_S/);
    expect(() => loadVectorIndexSettings({ PLATFORM_VECTOR_INDEX_READ_CONSISTENCY_S: 'soon' })).toThrow(/READ_CONSISTENCY_S/);
  });

  it('refuses other schemes and an s3 URI without a bucket', () => {
    expect(() => loadVectorIndexSettings({ PLATFORM_VECTOR_INDEX_URI: 'gs://bucket/x' })).toThrow(/directory or an s3/);
    expect(() => loadVectorIndexSettings({ PLATFORM_VECTOR_INDEX_URI: 's3://' })).toThrow(/no bucket/);
  });
});

describe('tableName', () => {
  it('names a project’s table by its id when safe, else by a digest', () => {
    expect(tableName('0b6c2f1e-9d2a-4f6e-8c1b-3a2d4e5f6a7b')).toBe('project_0b6c2f1e-9d2a-4f6e-8c1b-3a2d4e5f6a7b');
    expect(tableName("x'; drop")).toMatch(/^project_sha256_[0-9a-f]{64}$/);
    expect(tableName('a/b')).not.toBe(tableName('a_b'));
  });
});
