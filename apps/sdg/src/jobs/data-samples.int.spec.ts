import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PgCheckpointStore } from '../worker/pg-checkpoint-store';
import { openDataSource } from '../worker/testing/worker-fixture';
import { insertQueuedJob } from './insert-queued-job';
import { SAMPLE_TEXT_CHARS, listDataSamples } from './data-samples';

const tag = randomBytes(4).toString('hex');
const SKILL = 'compositional_skills/writing/poems/qna.yaml';
const KNOWLEDGE = 'knowledge/science/sun/qna.yaml';
let ds: DataSource;
let jobId: string;

const row = (i: number, extra: Record<string, unknown> = {}) => ({ question: `q${i}`, response: `r${i}`, ...extra });

beforeAll(async () => {
  const database = `sdg_samples_${tag}`;
  const admin = new Client({ connectionString: inject('databaseUrl') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  ds = await openDataSource(inject('databaseUrl').replace(/\/[^/]+$/, `/${database}`));
  const queue = { stream: `S_${tag}`, subjectPrefix: `t${tag}`, durable: 'd' };
  const job = await ds.transaction((m) =>
    insertQueuedJob(m, queue, {
      projectId: randomUUID(),
      name: 'samples',
      taxonomyId: randomUUID(),
      teacherModel: 't',
      judgeModel: 't',
      options: {},
      createdBy: 'u',
    }),
  );
  jobId = job.id;
  const cp = new PgCheckpointStore(ds, jobId);
  // Batches saved out of order, as concurrent batches finish; the MMLU batches are not samples.
  await cp.save(SKILL, 1, [row(3), row(4)]);
  await cp.save(SKILL, 0, [row(0), row(1), row(2)]);
  await cp.save(KNOWLEDGE, 0, [row(10, { document: 'the sun is a star' }), row(11, { response: 'x'.repeat(SAMPLE_TEXT_CHARS + 50) })]);
  await cp.save(`${KNOWLEDGE}#mmlu`, 0, [row(99)]);
}, 60_000);

afterAll(async () => {
  await ds?.destroy();
});

async function all(leaf: string, limit: number) {
  const seen: { leaf: string; index: number; question: string }[] = [];
  let start = '';
  let pages = 0;
  do {
    const page = await listDataSamples(ds, jobId, { leaf, start, limit });
    expect(page.samples.length).toBeLessThanOrEqual(limit);
    seen.push(...page.samples.map((s) => ({ leaf: s.leaf, index: s.index, question: s.question })));
    start = page.nextStart;
    pages++;
  } while (start && pages < 20);
  return { seen, pages };
}

describe('listDataSamples (checkpointed batches in PostgreSQL)', () => {
  it('pages through every leaf in path, batch and row order, each sample once, without the MMLU rows', async () => {
    const { seen, pages } = await all('', 2);
    expect(seen).toEqual([
      { leaf: SKILL, index: 0, question: 'q0' },
      { leaf: SKILL, index: 1, question: 'q1' },
      { leaf: SKILL, index: 2, question: 'q2' },
      { leaf: SKILL, index: 3, question: 'q3' },
      { leaf: SKILL, index: 4, question: 'q4' },
      { leaf: KNOWLEDGE, index: 0, question: 'q10' },
      { leaf: KNOWLEDGE, index: 1, question: 'q11' },
    ]);
    expect(pages).toBe(4);
  });

  it('filters by leaf, shows a knowledge sample its document and cuts long texts', async () => {
    const page = await listDataSamples(ds, jobId, { leaf: KNOWLEDGE, start: '', limit: 100 });
    expect(page.nextStart).toBe('');
    expect(page.samples[0]).toMatchObject({ context: 'the sun is a star', truncated: false });
    expect(page.samples[1].response).toHaveLength(SAMPLE_TEXT_CHARS);
    expect(page.samples[1].truncated).toBe(true);
    expect((await listDataSamples(ds, jobId, { leaf: 'knowledge/none/qna.yaml', start: '', limit: 0 })).samples).toEqual([]);
  });

  it('refuses a bad limit, a forged start and an MMLU key, naming the parameter', async () => {
    await expect(listDataSamples(ds, jobId, { leaf: '', start: '', limit: 101 })).rejects.toMatchObject({ target: { name: 'limit' } });
    await expect(listDataSamples(ds, jobId, { leaf: '', start: 'bm9wZQ', limit: 5 })).rejects.toMatchObject({ target: { name: 'start' } });
    const forged = Buffer.from(JSON.stringify([SKILL, 'x', '0'])).toString('base64url');
    await expect(listDataSamples(ds, jobId, { leaf: '', start: forged, limit: 5 })).rejects.toMatchObject({ target: { name: 'start' } });
    await expect(listDataSamples(ds, jobId, { leaf: `${KNOWLEDGE}#mmlu`, start: '', limit: 5 })).rejects.toMatchObject({
      target: { name: 'leaf' },
    });
    // PostgreSQL text holds no NUL: refused before it reaches SQL, in the leaf or in a forged token.
    await expect(listDataSamples(ds, jobId, { leaf: 'a\u0000b', start: '', limit: 5 })).rejects.toMatchObject({ target: { name: 'leaf' } });
    const nul = Buffer.from(JSON.stringify(['a\u0000', '0', '0'])).toString('base64url');
    await expect(listDataSamples(ds, jobId, { leaf: '', start: nul, limit: 5 })).rejects.toMatchObject({ target: { name: 'start' } });
  });
});
