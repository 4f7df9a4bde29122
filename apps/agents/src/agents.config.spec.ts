import { ConfigError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { AgentsConfig, MAX_DOCUMENT_BYTES_CEILING } from './agents.config';

describe('AgentsConfig', () => {
  it('defaults: the served default model, 200-token chunks with 32 of overlap, the vector index in the data directory', () => {
    const c = AgentsConfig.load({ PLATFORM_DATA_DIR: '/var/lib/platform' });
    expect(c.memoryBanks).toMatchObject({
      embeddingModel: undefined,
      chunkTokens: 200,
      chunkOverlapTokens: 32,
      maxDocumentBytes: MAX_DOCUMENT_BYTES_CEILING,
      documentsPrefix: 'memory_banks/',
    });
    expect(c.vectorIndex).toMatchObject({ uri: '/var/lib/platform/vector-index', storageOptions: {} });
  });

  it('keeps the vector index on S3 with the platform’s endpoint and keys, and ends the prefix with a slash', () => {
    const c = AgentsConfig.load({
      PLATFORM_VECTOR_INDEX_URI: 's3://bucket/vector-index',
      PLATFORM_S3_ENDPOINT: 'http://minio:9000',
      PLATFORM_S3_BUCKET: 'bucket',
      PLATFORM_S3_ACCESS_KEY: 'k',
      PLATFORM_S3_SECRET_KEY: 's',
      PLATFORM_AGENTS_DOCUMENTS_PREFIX: 'banks',
    });
    expect(c.vectorIndex.uri).toBe('s3://bucket/vector-index');
    expect(c.vectorIndex.storageOptions).toMatchObject({ endpoint: 'http://minio:9000', aws_access_key_id: 'k', allow_http: 'true' });
    expect(c.memoryBanks.documentsPrefix).toBe('banks/');
  });

  it('refuses an overlap as large as the chunk, a document bound above gRPC’s message and a bad index URI', () => {
    expect(() => AgentsConfig.load({ PLATFORM_AGENTS_CHUNK_TOKENS: '64', PLATFORM_AGENTS_CHUNK_OVERLAP_TOKENS: '64' })).toThrow(
      /PLATFORM_AGENTS_CHUNK_OVERLAP_TOKENS \(64\) must be less than PLATFORM_AGENTS_CHUNK_TOKENS/,
    );
    expect(() => AgentsConfig.load({ PLATFORM_AGENTS_MAX_DOCUMENT_BYTES: String(MAX_DOCUMENT_BYTES_CEILING + 1) })).toThrow(ConfigError);
    expect(() => AgentsConfig.load({ PLATFORM_VECTOR_INDEX_URI: 'http://example.com/index' })).toThrow(ConfigError);
  });
});
