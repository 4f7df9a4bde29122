import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { ReadinessRegistry } from '@platform/common';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { TaxonomyModule } from './taxonomy.module';

const tag = randomUUID().slice(0, 8);
const SET = [
  'DATABASE_URL',
  'NATS_URL',
  'PLATFORM_SECRETS_KEY',
  'PLATFORM_EVENTS_STREAM',
  'PLATFORM_EVENTS_PREFIX',
  'PLATFORM_GIT_TIMEOUT_MS',
];
const S3 = ['PLATFORM_S3_ENDPOINT', 'PLATFORM_S3_BUCKET', 'PLATFORM_S3_ACCESS_KEY', 'PLATFORM_S3_SECRET_KEY'];

const start = () => NestFactory.createApplicationContext(TaxonomyModule, { abortOnError: false, logger: false });

describe('TaxonomyModule', () => {
  afterAll(() => {
    for (const name of [...SET, ...S3]) delete process.env[name];
  });

  it('starts on the platform service module with its settings and reports ready', async () => {
    const s3 = inject('s3');
    Object.assign(process.env, {
      DATABASE_URL: inject('databaseUrl'),
      NATS_URL: inject('natsUrl'),
      PLATFORM_SECRETS_KEY: 'ab'.repeat(32),
      PLATFORM_S3_ENDPOINT: s3.endpoint,
      PLATFORM_S3_BUCKET: s3.bucket,
      PLATFORM_S3_ACCESS_KEY: s3.accessKey,
      PLATFORM_S3_SECRET_KEY: s3.secretKey,
      PLATFORM_EVENTS_STREAM: `TAXONOMY_MODULE_${tag}`,
      PLATFORM_EVENTS_PREFIX: `taxonomy-module.${tag}`,
    });
    const app = await start();
    await app.init();
    expect(await app.get(ReadinessRegistry).check()).toEqual({ ready: true, checks: { database: 'ok', nats: 'ok', object_store: 'ok' } });
    await app.close();
  });

  it('refuses to start on a bad setting, naming the variable', async () => {
    process.env.PLATFORM_GIT_TIMEOUT_MS = 'soon';
    await expect(start()).rejects.toThrow('taxonomy configuration: PLATFORM_GIT_TIMEOUT_MS must be an integer ≥ 1, got "soon"');
  });
});
