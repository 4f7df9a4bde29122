import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyModel } from '@platform/engine/internals';
import { createObjectStoreFromEnv, type ObjectStore } from '@platform/object-store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HARDWARE_SPECS } from '../deployments/hardware-specs';
import { parseProcessHandle, pidAlive } from './process/process-handle';
import { ProcessReplicaManager } from './process-manager';
import type { ReplicaSpec, StartedReplica } from './replica-manager';

describe('process replicas: engine-server processes from weights in the bucket', () => {
  const tag = randomBytes(4).toString('hex');
  const prefix = `custom_models/pm-${tag}/`;
  const workDir = mkdtempSync(join(tmpdir(), 'process-manager-'));
  let store: ObjectStore;
  const started: StartedReplica[] = [];

  const spec = (replicaId: string, over: Partial<ReplicaSpec> = {}): ReplicaSpec => ({
    replicaId,
    deploymentId: `dep-${tag}`,
    rev: 1,
    servedModelName: `deployments/dep-${tag}`,
    modelPrefix: prefix,
    hardware: HARDWARE_SPECS[4],
    ...over,
  });
  const manager = () =>
    new ProcessReplicaManager({
      store,
      workDir,
      threads: 1,
      logLevel: 'warn',
      advertiseHost: '127.0.0.1',
      startTimeoutMs: 120_000,
      stopGraceMs: 5_000,
    });
  const pidOf = (r: StartedReplica) => parseProcessHandle(r.handle)?.pid ?? 0;

  beforeAll(async () => {
    const s3 = inject('s3');
    store = createObjectStoreFromEnv({
      PLATFORM_S3_ENDPOINT: s3.endpoint,
      PLATFORM_S3_BUCKET: s3.bucket,
      PLATFORM_S3_ACCESS_KEY: s3.accessKey,
      PLATFORM_S3_SECRET_KEY: s3.secretKey,
    });
    const dir = mkdtempSync(join(tmpdir(), 'pm-model-'));
    writeTinyModel(dir, { maxPositionEmbeddings: 512 });
    for (const name of readdirSync(dir)) await store.put(`${prefix}${name}`, readFileSync(join(dir, name)));
    rmSync(dir, { recursive: true, force: true });
  });

  afterAll(async () => {
    for (const r of started) if (pidAlive(pidOf(r))) process.kill(-pidOf(r), 'SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  });

  it('serves two replicas of a rev from one download, with the asked context length, kept until the rev is released', async () => {
    const m = manager();
    const signal = new AbortController().signal;
    const [a, b] = await Promise.all([
      m.start(spec('a', { maxSequenceLength: 128 }), signal),
      m.start(spec('b', { maxSequenceLength: 128 }), signal),
    ]);
    started.push(a, b);
    expect(pidOf(a)).not.toBe(pidOf(b));
    const models = (await (await fetch(`${a.url}/v1/models`)).json()) as { data: { id: string; max_model_len: number }[] };
    expect(models.data).toEqual([expect.objectContaining({ id: `deployments/dep-${tag}`, max_model_len: 128 })]);
    expect(readdirSync(join(workDir, `dep-${tag}`, 'r1')).sort()).toEqual([
      'a.json',
      'a.log',
      'b.json',
      'b.log',
      'model',
      'model.complete',
    ]);
    expect(await m.probe(a, signal)).toBe('healthy');
    expect(await m.inFlight(a, signal)).toBe(0);
    await m.stop(a);
    expect(pidAlive(pidOf(a))).toBe(false);
    expect(await m.probe(a, signal)).toBe('gone');
    expect(existsSync(join(workDir, `dep-${tag}`, 'r1', 'model'))).toBe(true);
    await m.stop(b);
    // The rev's last replica stopped (a crash the keeper restarts): its weights stay for the next start.
    expect(existsSync(join(workDir, `dep-${tag}`, 'r1', 'model.complete'))).toBe(true);
    await m.release(`dep-${tag}`, [1]);
    expect(existsSync(join(workDir, `dep-${tag}`, 'r1', 'model.complete'))).toBe(true);
    await m.release(`dep-${tag}`, []);
    expect(existsSync(join(workDir, `dep-${tag}`))).toBe(false);
  });

  it('restarts a stopped rev from its kept weights; release leaves a rev alone while a replica of it runs', async () => {
    const m = manager();
    const signal = new AbortController().signal;
    const first = await m.start(spec('f', { rev: 4 }), signal);
    started.push(first);
    const revDir = join(workDir, `dep-${tag}`, 'r4');
    // Gone with the folder if the restart downloaded the weights again.
    writeFileSync(join(revDir, 'sentinel'), '');
    await m.stop(first);
    const again = await m.start(spec('g', { rev: 4 }), signal);
    started.push(again);
    expect(existsSync(join(revDir, 'sentinel'))).toBe(true);
    await m.release(`dep-${tag}`, []);
    expect(existsSync(join(revDir, 'model', 'config.json'))).toBe(true);
    await m.stop(again);
    await m.release(`dep-${tag}`, []);
    expect(existsSync(join(workDir, `dep-${tag}`))).toBe(false);
  });

  it('another manager (a restarted service) adopts a replica by its handle or, without one, by its record', async () => {
    const first = manager();
    const r = await first.start(spec('c'), new AbortController().signal);
    started.push(r);
    const second = manager();
    expect(await second.adopt(spec('c'), r)).toEqual(r);
    // A keeper that died before it wrote the handle: the record written at spawn finds the process.
    expect(await second.adopt(spec('c'), { ...r, url: '', handle: {} })).toEqual(r);
    // The same pid under another replica id is not this replica.
    expect(await second.adopt(spec('other'), { ...r, handle: { ...r.handle, replicaId: 'other' } })).toBeUndefined();
    expect(pidAlive(pidOf(r))).toBe(true);
    process.kill(pidOf(r), 'SIGKILL');
    await new Promise((res) => setTimeout(res, 300));
    expect(await second.probe(r, new AbortController().signal)).toBe('gone');
    expect(await second.adopt(spec('c'), r)).toBeUndefined();
  });

  it('counts a replica that exited but is not reaped yet (a zombie) as gone, as stop does', async () => {
    const m = manager();
    const r = await m.start(spec('z', { rev: 5 }), new AbortController().signal);
    started.push(r);
    const pid = pidOf(r);
    process.kill(pid, 'SIGKILL');
    // The event loop is held until the kernel reports the child exited, so Node has not reaped it: a zombie.
    const deadline = Date.now() + 10_000;
    while (pidAlive(pid) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    // pidAlive counts a zombie as gone, while signal 0 still reaches it until Node reaps it.
    expect(pidAlive(pid)).toBe(false);
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(await m.probe(r, new AbortController().signal)).toBe('gone');
    await m.stop(r);
    await m.release(`dep-${tag}`, []);
    expect(existsSync(join(workDir, `dep-${tag}`, 'r5'))).toBe(false);
  });

  it('an aborted start leaves nothing running, and no files once released', async () => {
    const m = manager();
    const abort = new AbortController();
    const starting = m.start(spec('d', { rev: 2 }), abort.signal);
    const record = join(workDir, `dep-${tag}`, 'r2', 'd.json');
    const deadline = Date.now() + 60_000;
    while (!existsSync(record) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
    const pid = JSON.parse(readFileSync(record, 'utf8')).pid as number;
    abort.abort(new Error('stop'));
    await expect(starting).rejects.toThrow('stop');
    expect(pidAlive(pid)).toBe(false);
    expect(existsSync(record)).toBe(false);
    await m.release(`dep-${tag}`, []);
    expect(existsSync(join(workDir, `dep-${tag}`))).toBe(false);
  });

  it('refuses a prefix with no files as a start error', async () => {
    const m = manager();
    await expect(m.start(spec('e', { rev: 3, modelPrefix: `custom_models/none-${tag}/` }), new AbortController().signal)).rejects.toThrow(
      /no model files under/,
    );
    await m.release(`dep-${tag}`, []);
    expect(existsSync(join(workDir, `dep-${tag}`))).toBe(false);
  });
});
