import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InvalidArchiveError, UnsafeArchiveError, readTaxonomyArchive, type UnsafeArchiveCode } from './index';
import { buildTar, buildTarGz, zeroBomb, type TarEntrySpec } from './testing/build-tar';

const MiB = 1024 * 1024;
const KNOWLEDGE_QNA = 'version: 3\ndomain: astronomy\n';
const SKILL_QNA = 'version: 2\ntask_description: rhymes\n';

const taxonomy: TarEntrySpec[] = [
  { name: 'README.md', body: '# taxonomy\n' },
  { name: 'knowledge/', type: 'directory' },
  { name: 'knowledge/science/astronomy/qna.yaml', body: KNOWLEDGE_QNA },
  { name: 'knowledge/science/astronomy/attribution.txt', body: 'CC-BY' },
  { name: 'compositional_skills/writing/rhymes/qna.yaml', body: SKILL_QNA },
  { name: 'foundational_skills/reasoning/qna.yaml', body: 'not a leaf root' },
  { name: 'docs/qna.yaml', body: 'not under a leaf root either' },
];

const bufferStream = (data: Buffer): Readable => Readable.from([data]);

async function refusal(data: Buffer | Readable, limits = {}): Promise<unknown> {
  return readTaxonomyArchive(Buffer.isBuffer(data) ? bufferStream(data) : data, limits).then(
    () => expect.unreachable('archive was accepted'),
    (err: unknown) => err,
  );
}

async function expectUnsafe(data: Buffer | Readable, code: UnsafeArchiveCode, entry?: string, limits = {}): Promise<UnsafeArchiveError> {
  const err = await refusal(data, limits);
  expect(err).toBeInstanceOf(UnsafeArchiveError);
  const unsafe = err as UnsafeArchiveError;
  expect(unsafe.code).toBe(code);
  if (entry !== undefined) {
    expect(unsafe.entry).toBe(entry);
    expect(unsafe.message).toContain(JSON.stringify(entry));
  }
  return unsafe;
}

describe('readTaxonomyArchive: valid archives', () => {
  it('reads a .tar.gz taxonomy into memory and finds its leaves', async () => {
    const archive = await readTaxonomyArchive(bufferStream(await buildTarGz(taxonomy)));
    expect(archive.leaves).toEqual(['compositional_skills/writing/rhymes/qna.yaml', 'knowledge/science/astronomy/qna.yaml']);
    expect([...archive.files.keys()].sort()).toEqual(
      taxonomy
        .filter((e) => e.type !== 'directory')
        .map((e) => e.name)
        .sort(),
    );
    expect(archive.files.get('knowledge/science/astronomy/qna.yaml')?.toString()).toBe(KNOWLEDGE_QNA);
    expect(archive.totalBytes).toBe(taxonomy.reduce((n, e) => n + Buffer.byteLength(e.body ?? ''), 0));
    expect(archive.strippedFolder).toBeNull();
  });

  it('reads a plain .tar too', async () => {
    const archive = await readTaxonomyArchive(bufferStream(await buildTar(taxonomy)));
    expect(archive.leaves).toHaveLength(2);
  });

  it('strips the single folder that `tar czf t.tgz taxonomy/` wraps around everything', async () => {
    const wrapped = taxonomy.map((e) => ({ ...e, name: `taxonomy-main/${e.name}` }));
    const archive = await readTaxonomyArchive(bufferStream(await buildTarGz([{ name: 'taxonomy-main/', type: 'directory' }, ...wrapped])));
    expect(archive.strippedFolder).toBe('taxonomy-main');
    expect(archive.leaves).toEqual(['compositional_skills/writing/rhymes/qna.yaml', 'knowledge/science/astronomy/qna.yaml']);
    expect(archive.files.has('README.md')).toBe(true);
  });

  it('normalises "./" prefixes as written by `tar czf t.tgz -C taxonomy .`', async () => {
    const dotted = [{ name: './', type: 'directory' as const }, ...taxonomy.map((e) => ({ ...e, name: `./${e.name}` }))];
    const archive = await readTaxonomyArchive(bufferStream(await buildTarGz(dotted)));
    expect(archive.leaves).toEqual(['compositional_skills/writing/rhymes/qna.yaml', 'knowledge/science/astronomy/qna.yaml']);
  });

  it('keeps long (pax) paths intact', async () => {
    const deep = `knowledge/${'very_long_folder_name/'.repeat(10)}qna.yaml`;
    const archive = await readTaxonomyArchive(bufferStream(await buildTarGz([{ name: deep, body: KNOWLEDGE_QNA }])));
    expect(archive.leaves).toEqual([deep]);
  });

  it('accepts an archive with no leaves (validation decides later whether that is an error)', async () => {
    const archive = await readTaxonomyArchive(bufferStream(await buildTarGz([{ name: 'README.md', body: 'x' }])));
    expect(archive.leaves).toEqual([]);
  });
});

describe('readTaxonomyArchive: unsafe archives', () => {
  it('refuses "../" path segments', async () => {
    await expectUnsafe(await buildTarGz([{ name: '../evil.sh', body: 'x' }]), 'path-traversal', '../evil.sh');
    await expectUnsafe(
      await buildTarGz([{ name: 'knowledge/../../etc/cron.d/x', body: 'x' }]),
      'path-traversal',
      'knowledge/../../etc/cron.d/x',
    );
  });

  it('refuses absolute paths', async () => {
    await expectUnsafe(await buildTarGz([{ name: '/etc/passwd', body: 'x' }]), 'absolute-path', '/etc/passwd');
  });

  it('refuses backslashes and control characters in paths', async () => {
    await expectUnsafe(await buildTarGz([{ name: 'knowledge\\..\\..\\x', body: 'x' }]), 'unsafe-path', 'knowledge\\..\\..\\x');
    await expectUnsafe(await buildTarGz([{ name: 'knowledge/a\nb', body: 'x' }]), 'unsafe-path', 'knowledge/a\nb');
  });

  it('refuses a symlink pointing out of the root, saying so', async () => {
    const err = await expectUnsafe(
      await buildTarGz([{ name: 'knowledge/qna.yaml', type: 'symlink', linkname: '../../../etc/shadow' }]),
      'link-entry',
      'knowledge/qna.yaml',
    );
    expect(err.message).toMatch(/outside the archive root/);
  });

  it('refuses symlinks that stay inside the root as well (all links are refused)', async () => {
    const err = await expectUnsafe(
      await buildTarGz([
        { name: 'k/a', body: 'x' },
        { name: 'k/sub/b', type: 'symlink', linkname: '../a' },
      ]),
      'link-entry',
      'k/sub/b',
    );
    expect(err.message).not.toMatch(/outside/);
  });

  it('refuses hardlinks', async () => {
    const err = await expectUnsafe(
      await buildTarGz([
        { name: 'a', body: 'x' },
        { name: 'knowledge/x/qna.yaml', type: 'link', linkname: 'a' },
      ]),
      'link-entry',
      'knowledge/x/qna.yaml',
    );
    expect(err.message).toMatch(/hardlink/);
  });

  it('refuses device and fifo entries', async () => {
    await expectUnsafe(await buildTarGz([{ name: 'dev/null', type: 'character-device' }]), 'special-entry', 'dev/null');
    await expectUnsafe(await buildTarGz([{ name: 'pipe', type: 'fifo' }]), 'special-entry', 'pipe');
  });

  it('refuses a path that appears twice', async () => {
    await expectUnsafe(
      await buildTarGz([
        { name: 'a/qna.yaml', body: '1' },
        { name: './a/qna.yaml', body: '2' },
      ]),
      'duplicate-entry',
      './a/qna.yaml',
    );
  });

  it('refuses more than 10 000 entries by default', async () => {
    const entries = Array.from({ length: 10_001 }, (_, i) => ({ name: `d${i}/`, type: 'directory' as const }));
    const err = await expectUnsafe(await buildTarGz(entries), 'too-many-entries', 'd10000/');
    expect(err.message).toContain('10000');
    // exactly at the limit is fine
    await expect(readTaxonomyArchive(bufferStream(await buildTarGz(entries.slice(0, 10_000))))).resolves.toBeDefined();
  });

  it('honours a lower maxEntries', async () => {
    await expectUnsafe(
      await buildTarGz([
        { name: 'a', body: '' },
        { name: 'b', body: '' },
      ]),
      'too-many-entries',
      'b',
      { maxEntries: 1 },
    );
  });

  it('refuses a single file above 10 MiB by default, from its header', async () => {
    const bomb = zeroBomb('knowledge/big/qna.yaml', 10 * MiB + 1);
    try {
      await expectUnsafe(bomb.stream, 'file-too-large', 'knowledge/big/qna.yaml');
    } finally {
      bomb.stop();
    }
  });

  it('refuses a file above 1 MiB under knowledge/ or compositional_skills/, naming it as the archive does', async () => {
    const big = Buffer.alloc(MiB + 1, 'a');
    await expectUnsafe(
      await buildTarGz([{ name: 'taxonomy/knowledge/big/qna.yaml', body: big }]),
      'file-too-large',
      'taxonomy/knowledge/big/qna.yaml',
    );
    const err = await expectUnsafe(
      await buildTarGz([{ name: 'compositional_skills/a/attribution.txt', body: big }]),
      'file-too-large',
      'compositional_skills/a/attribution.txt',
    );
    expect(err.message).toContain(`above the ${MiB}-byte limit for files under knowledge/ and compositional_skills/`);
    // exactly at the limit is fine, and so are larger files elsewhere in the archive
    const archive = await readTaxonomyArchive(
      bufferStream(
        await buildTarGz([
          { name: 'knowledge/a/qna.yaml', body: big.subarray(0, MiB) },
          { name: 'docs/manual.pdf', body: Buffer.alloc(3 * MiB, 'b') },
        ]),
      ),
    );
    expect(archive.files.get('knowledge/a/qna.yaml')?.length).toBe(MiB);
    await expectUnsafe(
      await buildTarGz([{ name: 'knowledge/a/qna.yaml', body: 'x'.repeat(11) }]),
      'file-too-large',
      'knowledge/a/qna.yaml',
      {
        maxLeafFileBytes: 10,
      },
    );
  });

  it('stops a 2 GiB gzip bomb early, without inflating it', async () => {
    const bomb = zeroBomb('knowledge/bomb/qna.yaml', 2 * 1024 * MiB);
    try {
      const err = await expectUnsafe(bomb.stream, 'file-too-large', 'knowledge/bomb/qna.yaml');
      expect(err.message).toContain(String(2 * 1024 * MiB));
      // the generator only ran as far as stream buffering let it; nowhere near the 2 GiB
      expect(bomb.produced()).toBeLessThan(64 * MiB);
    } finally {
      bomb.stop();
    }
  });

  it('refuses when many small files add up past maxTotalBytes', async () => {
    const chunk = Buffer.alloc(300 * 1024, 'a');
    const entries = Array.from({ length: 5 }, (_, i) => ({ name: `knowledge/f${i}.txt`, body: chunk }));
    await expectUnsafe(await buildTarGz(entries), 'archive-too-large', 'knowledge/f3.txt', { maxTotalBytes: MiB });
  });

  it('counts bytes hidden in tar metadata (pax headers) against the inflation budget', async () => {
    const hidden = { comment: 'x'.repeat(3 * MiB) }; // tar-stream keeps pax records below 4 MiB
    const err = await expectUnsafe(await buildTarGz([{ name: 'a', body: 'x', pax: hidden }]), 'archive-too-large', undefined, {
      maxEntries: 1,
      maxTotalBytes: 1024,
    });
    expect(err.entry).toBeUndefined();
  });
});

describe('readTaxonomyArchive: invalid archives', () => {
  async function expectInvalid(data: Buffer, message?: RegExp): Promise<void> {
    const err = await refusal(data);
    expect(err).toBeInstanceOf(InvalidArchiveError);
    if (message) expect((err as Error).message).toMatch(message);
  }

  it('refuses corrupt gzip data', async () => {
    const good = await buildTarGz(taxonomy);
    const corrupt = Buffer.from(good);
    for (let i = 20; i < corrupt.length - 8; i += 7) corrupt[i] ^= 0xa5;
    await expectInvalid(corrupt, /gzip/);
  });

  it('refuses a truncated gzip stream', async () => {
    const good = await buildTarGz(taxonomy);
    await expectInvalid(good.subarray(0, good.length - 30), /gzip/);
  });

  it('refuses input that is not a tarball', async () => {
    await expectInvalid(Buffer.from('this is a plain text file, not a tar archive\n'.repeat(40)), /tar/);
    await expectInvalid(gzipSync(Buffer.from('{"a json": "document"}\n'.repeat(40))), /tar/);
  });

  it('refuses a truncated tar', async () => {
    const good = await buildTar(taxonomy);
    await expectInvalid(good.subarray(0, 700), /tar/);
  });

  it('refuses empty input and names unsupported compressions', async () => {
    await expectInvalid(Buffer.alloc(0), /empty/);
    await expectInvalid(Buffer.from('BZh91AY&SY-------'), /bzip2/);
    await expectInvalid(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]), /zip/);
  });

  it('passes errors of the source stream through unchanged', async () => {
    const broken = new Error('connection reset by peer');
    const good = await buildTarGz(taxonomy);
    const source = Readable.from(
      (async function* () {
        yield good.subarray(0, 64);
        throw broken;
      })(),
    );
    await expect(readTaxonomyArchive(source)).rejects.toBe(broken);
    expect(source.destroyed).toBe(true);
  });
});
