import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectStore } from '@platform/object-store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ModelJobEntity } from '../model-job.entity';
import { modelPrefix } from '../model-jobs.service';
import { objectStoreOf } from '../testing/training-fixture';
import { RunLog, settleStoppedRun } from './run-log';

let store: ObjectStore;
let dir: string;

beforeAll(() => {
  store = objectStoreOf({ s3: inject('s3') });
  dir = mkdtempSync(join(tmpdir(), 'run-log-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function keys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const k of store.list(prefix)) out.push(k);
  return out.sort();
}

/**
 * A stopped run of a job whose row reads as `rows`, one per look (null: deleted), with the system details its start
 * uploaded already in the bucket.
 */
async function stoppedRun(rows: (Partial<ModelJobEntity> | null)[]): Promise<string[]> {
  const id = randomUUID();
  await store.put(`${modelPrefix(id)}logs/system-attempt-1.json`, Buffer.from('{}'), 'application/json');
  const log = new RunLog(join(dir, id, 'run.log'), `${modelPrefix(id)}logs/train-attempt-1.log`);
  log.json({ event: 'stopped', reason: 'canceled' });
  const looks = [...rows];
  await settleStoppedRun(store, { find: async () => (looks.shift() ?? null) as ModelJobEntity | null }, id, log);
  return (await keys(modelPrefix(id))).map((k) => k.slice(modelPrefix(id).length));
}

describe('settleStoppedRun on S3', () => {
  it('uploads a canceled job’s log beside what its run wrote', async () => {
    expect(await stoppedRun([{ status: 'canceled' }, { status: 'canceled' }])).toEqual([
      'logs/system-attempt-1.json',
      'logs/train-attempt-1.log',
    ]);
  });

  it('leaves nothing when the job is hard-deleted while its log uploads (the row gone at the second look)', async () => {
    expect(await stoppedRun([{ status: 'canceled' }, null])).toEqual([]);
  });

  it('removes what the run of a deleted job wrote', async () => {
    expect(await stoppedRun([null])).toEqual([]);
  });

  it('writes nothing for a job that finished meanwhile', async () => {
    expect(await stoppedRun([{ status: 'completed' }])).toEqual(['logs/system-attempt-1.json']);
  });
});
