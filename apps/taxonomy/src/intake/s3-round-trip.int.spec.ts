import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { S3ObjectStore } from '@platform/object-store';
import { UnsafeArchiveError, estimateTaxonomyTokens, readTaxonomyArchive } from './index';
import { buildTarGz, zeroBomb } from './testing/build-tar';

const PREFIX = `taxonomy-intake-spec/${process.pid}-${Date.now()}/`;

describe('taxonomy archives through the real S3 server', () => {
  let store: S3ObjectStore;

  beforeAll(() => {
    const s3 = inject('s3');
    store = new S3ObjectStore({ ...s3, region: 'us-east-1' });
  });

  afterAll(async () => {
    await store.deletePrefix(PREFIX);
    store.close();
  });

  it('reads back an archive that was put with the ObjectStore', async () => {
    const qna = 'version: 2\nseed_examples:\n  - question: hello world\n    answer: Paris.\n';
    const key = `${PREFIX}taxonomy.tar.gz`;
    await store.put(key, await buildTarGz([{ name: 'taxonomy/compositional_skills/a/qna.yaml', body: qna }]), 'application/gzip');

    const archive = await readTaxonomyArchive(await store.get(key));
    expect(archive.leaves).toEqual(['compositional_skills/a/qna.yaml']);
    expect(archive.files.get('compositional_skills/a/qna.yaml')?.toString()).toBe(qna);
    expect(estimateTaxonomyTokens(archive.files, archive.leaves).dataTokensEstimated).toBe(4);
  });

  it('refuses an unsafe archive streamed from S3 and releases the download', async () => {
    const key = `${PREFIX}evil.tar.gz`;
    await store.put(key, await buildTarGz([{ name: 'knowledge/a/qna.yaml', type: 'symlink', linkname: '/etc/passwd' }]));
    const body = await store.get(key);
    await expect(readTaxonomyArchive(body)).rejects.toBeInstanceOf(UnsafeArchiveError);
    expect(body.destroyed).toBe(true);
  });

  it('stops a gzip bomb stored in S3 without downloading it whole', async () => {
    const key = `${PREFIX}bomb.tar.gz`;
    const bomb = zeroBomb('knowledge/bomb/qna.yaml', 512 * 1024 * 1024);
    await store.put(key, bomb.stream, 'application/gzip'); // streamed upload: the bomb is never in memory
    expect(bomb.produced()).toBe(512 * 1024 * 1024);
    const stored = await store.head(key);
    expect(stored?.size).toBeLessThan(2 * 1024 * 1024);
    await expect(readTaxonomyArchive(await store.get(key))).rejects.toMatchObject({ code: 'file-too-large' });
  });
});
