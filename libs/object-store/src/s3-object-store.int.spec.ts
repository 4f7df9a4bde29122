import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ObjectNotFoundError, ObjectTooLargeError, S3ObjectStore, createObjectStoreFromEnv, type ObjectStore } from './index';

const PREFIX = `object-store-spec/${process.pid}-${Date.now()}/`;
const MiB = 1024 * 1024;

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const key of keys) out.push(key);
  return out.sort();
}

/** Emits `total` bytes in odd-sized chunks so part re-cutting is exercised. */
function chunkedStream(data: Buffer, chunk = 777_777): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= data.length) return void this.push(null);
      this.push(data.subarray(offset, offset + chunk));
      offset += chunk;
    },
  });
}

describe('S3ObjectStore against a real S3 server', () => {
  let store: S3ObjectStore;
  const key = (name: string): string => PREFIX + name;

  beforeAll(() => {
    const s3 = inject('s3');
    store = createObjectStoreFromEnv(
      {
        PLATFORM_S3_ENDPOINT: s3.endpoint,
        PLATFORM_S3_BUCKET: s3.bucket,
        PLATFORM_S3_ACCESS_KEY: s3.accessKey,
        PLATFORM_S3_SECRET_KEY: s3.secretKey,
      },
      { listPageSize: 2, partSize: 5 * MiB },
    );
  });

  afterAll(async () => {
    await store.deletePrefix(PREFIX);
    store.close();
  });

  it('is usable through the ObjectStore interface', () => {
    const asInterface: ObjectStore = store;
    expect(typeof asInterface.put).toBe('function');
  });

  it('puts a Buffer and reads it back as a stream, a buffer and a head', async () => {
    await store.put(key('hello.txt'), Buffer.from('hello world'), 'text/plain');
    expect((await drain(await store.get(key('hello.txt')))).toString()).toBe('hello world');
    expect((await store.getBuffer(key('hello.txt'))).toString()).toBe('hello world');
    const head = await store.head(key('hello.txt'));
    expect(head).toMatchObject({ size: 11, etag: '5eb63bbbe01eeed093cb22bb8f5acdc3' });
    expect(head?.lastModified).toBeInstanceOf(Date);
    expect(await store.exists(key('hello.txt'))).toBe(true);
  });

  it('maps missing objects to ObjectNotFoundError and null', async () => {
    await expect(store.get(key('missing'))).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store.getBuffer(key('missing'))).rejects.toMatchObject({ name: 'ObjectNotFoundError', key: key('missing') });
    expect(await store.head(key('missing'))).toBeNull();
    expect(await store.exists(key('missing'))).toBe(false);
  });

  it('refuses to buffer an object above maxBytes', async () => {
    await store.put(key('big.bin'), Buffer.alloc(4096, 1));
    const err = await store.getBuffer(key('big.bin'), 1000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ObjectTooLargeError);
    expect(err).toMatchObject({ size: 4096, maxBytes: 1000 });
    expect((await store.getBuffer(key('big.bin'), 4096)).length).toBe(4096);
  });

  it('uploads a small stream of unknown length as one object', async () => {
    await store.put(key('small-stream.bin'), Readable.from([Buffer.from('a'), Buffer.from('bc')]));
    expect((await store.getBuffer(key('small-stream.bin'))).toString()).toBe('abc');
  });

  it('uploads an empty stream as an empty object', async () => {
    await store.put(key('empty.bin'), Readable.from([]));
    expect(await store.head(key('empty.bin'))).toMatchObject({ size: 0 });
  });

  it('uploads a large stream in multiple parts, byte for byte', async () => {
    const data = randomBytes(11 * MiB + 123);
    await store.put(key('large-stream.bin'), chunkedStream(data), 'application/octet-stream');
    expect((await store.head(key('large-stream.bin')))?.size).toBe(data.length);
    expect((await drain(await store.get(key('large-stream.bin')))).equals(data)).toBe(true);
  });

  it('aborts a multipart upload whose source fails, leaving no object', async () => {
    const failing = Readable.from(
      (async function* () {
        yield randomBytes(6 * MiB);
        yield randomBytes(6 * MiB);
        throw new Error('source broke');
      })(),
    );
    await expect(store.put(key('broken.bin'), failing)).rejects.toThrow('source broke');
    expect(await store.exists(key('broken.bin'))).toBe(false);
  });

  it('lists across pages and deletes a prefix', async () => {
    const names = ['l/a', 'l/b', 'l/c', 'l/d/e', 'l/f'];
    await Promise.all(names.map((n) => store.put(key(n), Buffer.from(n))));
    await store.put(key('other'), Buffer.from('x'));
    expect(await collect(store.list(key('l/')))).toEqual(names.map(key));
    // A listing that starts after a key (a later page of a caller's own paging) skips it and everything before it.
    expect(await collect(store.list(key('l/'), key('l/b')))).toEqual(['l/c', 'l/d/e', 'l/f'].map(key));
    expect(await store.deletePrefix(key('l/'))).toBe(5);
    expect(await collect(store.list(key('l/')))).toEqual([]);
    expect(await store.exists(key('other'))).toBe(true);
  });

  it('deletes single objects, and deleting a missing one is not an error', async () => {
    await store.put(key('gone.txt'), Buffer.from('x'));
    await store.delete(key('gone.txt'));
    expect(await store.exists(key('gone.txt'))).toBe(false);
    await expect(store.delete(key('gone.txt'))).resolves.toBeUndefined();
  });

  it('refuses to delete an empty prefix', async () => {
    await expect(store.deletePrefix('')).rejects.toThrow(/empty prefix/);
  });

  it('surfaces authentication failures as they are, not as not-found', async () => {
    const s3 = inject('s3');
    const wrong = new S3ObjectStore({
      endpoint: s3.endpoint,
      bucket: s3.bucket,
      region: 'us-east-1',
      accessKey: 'nobody',
      secretKey: 'nope',
    });
    try {
      const err = await wrong.get(key('hello.txt')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(ObjectNotFoundError);
    } finally {
      wrong.close();
    }
  });
});
