import { Client } from 'pg';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { S3Client, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, inject, it } from 'vitest';

describe('test servers', () => {
  it('PostgreSQL answers queries', async () => {
    const c = new Client({ connectionString: inject('databaseUrl') });
    await c.connect();
    const r = await c.query('select 1 + 1 as two');
    expect(r.rows[0].two).toBe(2);
    await c.end();
  });

  it('NATS has JetStream enabled', async () => {
    const nc = await connect({ servers: inject('natsUrl') });
    const jsm = await jetstreamManager(nc);
    const info = await jsm.getAccountInfo();
    expect(info.limits).toBeDefined();
    await nc.close();
  });

  it('S3 stores objects and refuses unknown credentials', async () => {
    const cfg = inject('s3');
    const mk = (key: string, secret: string) =>
      new S3Client({
        endpoint: cfg.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: key, secretAccessKey: secret },
      });
    const s3 = mk(cfg.accessKey, cfg.secretKey);
    await s3.send(new PutObjectCommand({ Bucket: cfg.bucket, Key: 'a/b.txt', Body: 'hello' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: cfg.bucket, Key: 'a/b.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello');
    await expect(mk('S3RVER', 'S3RVER').send(new GetObjectCommand({ Bucket: cfg.bucket, Key: 'a/b.txt' }))).rejects.toThrow();
  });
});
