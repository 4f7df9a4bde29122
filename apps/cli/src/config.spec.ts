import { describe, expect, it } from 'vitest';
import { resolveApiConfig, resolveS3Config } from './config';
import { UsageError } from './usage-error';

describe('resolveApiConfig', () => {
  it('defaults to the embedded gateway and the admin user', () => {
    expect(resolveApiConfig({}, { ILAB_API_KEY: 'k' })).toEqual({
      url: 'http://127.0.0.1:8080',
      credentials: { kind: 'api-key', apiKey: 'k', username: 'admin' },
    });
  });

  it('takes flags over the environment, and ignores empty values', () => {
    const env = { ILAB_URL: 'http://env:1', ILAB_API_KEY: 'env-key', ILAB_USERNAME: 'env-user', ILAB_PROJECT_ID: 'env-project' };
    expect(resolveApiConfig({ url: 'https://flag:2/', apiKey: 'flag-key', username: 'flag-user', projectId: 'flag-project' }, env)).toEqual(
      {
        url: 'https://flag:2',
        credentials: { kind: 'api-key', apiKey: 'flag-key', username: 'flag-user' },
        projectId: 'flag-project',
      },
    );
    expect(resolveApiConfig({ url: '  ' }, { ...env, ILAB_PROJECT_ID: '' })).toEqual({
      url: 'http://env:1',
      credentials: { kind: 'api-key', apiKey: 'env-key', username: 'env-user' },
    });
  });

  it('uses a bearer token from ILAB_TOKEN, unless --api-key is given', () => {
    expect(resolveApiConfig({}, { ILAB_TOKEN: 't', ILAB_API_KEY: 'k' }).credentials).toEqual({ kind: 'token', token: 't' });
    expect(resolveApiConfig({ apiKey: 'flag' }, { ILAB_TOKEN: 't' }).credentials).toEqual({
      kind: 'api-key',
      apiKey: 'flag',
      username: 'admin',
    });
    expect(resolveApiConfig({ token: 'flag-token', apiKey: 'flag' }, {}).credentials).toEqual({ kind: 'token', token: 'flag-token' });
  });

  it('refuses missing credentials and a URL that is not http(s)', () => {
    expect(() => resolveApiConfig({}, {})).toThrow(UsageError);
    expect(() => resolveApiConfig({}, { ILAB_API_KEY: ' ' })).toThrow(/No credentials/);
    expect(() => resolveApiConfig({ url: 'ftp://x' }, { ILAB_API_KEY: 'k' })).toThrow(/--url must be an http\(s\) URL/);
  });
});

describe('resolveS3Config', () => {
  it('defaults to the embedded S3 server, bucket and keys', () => {
    expect(resolveS3Config({}, {})).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'instructlab',
      region: 'us-east-1',
      accessKey: 'platform',
      secretKey: 'platform-secret',
    });
  });

  it('reads ILAB_S3_* and lets flags win', () => {
    const env = {
      ILAB_S3_ENDPOINT: 'http://s3:1',
      ILAB_S3_BUCKET: 'b',
      ILAB_S3_ACCESS_KEY: 'a',
      ILAB_S3_SECRET_KEY: 's',
      ILAB_S3_REGION: 'r',
    };
    expect(resolveS3Config({}, env)).toEqual({ endpoint: 'http://s3:1', bucket: 'b', region: 'r', accessKey: 'a', secretKey: 's' });
    expect(resolveS3Config({ s3Endpoint: 'http://flag:2', bucket: 'fb' }, env)).toMatchObject({
      endpoint: 'http://flag:2',
      bucket: 'fb',
      accessKey: 'a',
    });
  });
});
