import { describe, expect, it } from 'vitest';
import { loadS3Config } from './config';

describe('loadS3Config', () => {
  it('falls back to the local dev defaults', () => {
    expect(loadS3Config({})).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'instructlab',
      region: 'us-east-1',
      accessKey: 'platform',
      secretKey: 'platform-secret',
    });
  });

  it('builds the default endpoint from PLATFORM_S3_PORT', () => {
    expect(loadS3Config({ PLATFORM_S3_PORT: '9123' }).endpoint).toBe('http://127.0.0.1:9123');
  });

  it('takes every value from the environment, treating empty strings as unset', () => {
    const cfg = loadS3Config({
      PLATFORM_S3_ENDPOINT: 'https://s3.eu-de.cloud-object-storage.appdomain.cloud',
      PLATFORM_S3_PORT: '1',
      PLATFORM_S3_BUCKET: 'taxonomies',
      PLATFORM_S3_REGION: '',
      PLATFORM_S3_ACCESS_KEY: 'ak',
      PLATFORM_S3_SECRET_KEY: 'sk',
    });
    expect(cfg).toEqual({
      endpoint: 'https://s3.eu-de.cloud-object-storage.appdomain.cloud',
      bucket: 'taxonomies',
      region: 'us-east-1',
      accessKey: 'ak',
      secretKey: 'sk',
    });
  });
});
