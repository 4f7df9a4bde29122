import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { envelopeOf } from './support/api';
import { eventually, storedEvents } from './support/events';
import { KNOWLEDGE_QNA, SKILL_QNA, tarGz } from './support/tarballs';
import { uploadToTestBucket } from './support/test-bucket';
import { startTestPlatform, type TestPlatform } from './support/test-platform';
import { testBucketClient } from './support/test-bucket';

const STARTER = 'platform/starter-llama';
const KNOWLEDGE_LEAF = 'knowledge/science/astronomy/sun/qna.yaml';
const SKILL_LEAF = 'compositional_skills/writing/poetry/qna.yaml';
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

interface DataJob {
  id: string;
  project_id: string;
  name: string;
  state: string;
  status: string;
  created_at: string;
  completed_at?: string;
  taxonomy_id: string;
  data_metrics?: {
    samples: Record<string, number>;
    tokens?: {
      data_tokens_total: number;
      data_leaf_nodes: Record<string, number>;
      training_estimated: number;
      training_phases: { phase_1_knowledge: number; phase_2_skills: number };
    };
  };
  progress?: {
    stage: string;
    done: number;
    total: number;
    samples: number;
    leaves?: { leaf: string; batches_done: number; batches_total: number; samples: number }[];
  };
  failure_reason?: string;
  teacher_model?: string;
  judge_model?: string;
  href: string;
}

let platform: TestPlatform;
let token: string;
let project: string;
let taxonomyId: string;
let docsRepo: string;
const run = randomBytes(4).toString('hex');

const create = (body: Record<string, unknown>, projectId = project) =>
  platform.api.request<DataJob>('POST', `/v1/projects/${projectId}/data`, { token, body });
const get = (id: string) => platform.api.request<DataJob>('GET', `/v1/projects/${project}/data/${id}`, { token });
const cancel = (id: string) => platform.api.request('POST', `/v1/projects/${project}/data/${id}/cancel`, { token });

async function settled(id: string, timeoutMs: number): Promise<DataJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await get(id)).body;
    if (['completed', 'failed', 'canceled'].includes(job.status) || Date.now() > deadline) return job;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function keysUnder(prefix: string): Promise<string[]> {
  const client = testBucketClient();
  try {
    const res = await client.send(new ListObjectsV2Command({ Bucket: inject('s3').bucket, Prefix: prefix }));
    return (res.Contents ?? []).map((o) => o.Key ?? '').sort();
  } finally {
    client.destroy();
  }
}

async function objectText(key: string): Promise<string> {
  const client = testBucketClient();
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: inject('s3').bucket, Key: key }));
    return (await res.Body?.transformToString('utf8')) ?? '';
  } finally {
    client.destroy();
  }
}

/** A real git repository holding the knowledge leaf's document, pinned by commit. */
function createDocsRepo(): { dir: string; commit: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sdg-docs-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', ...args], { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q');
  writeFileSync(
    join(dir, 'sun.md'),
    '# The Sun\n\nThe Sun is the star at the center of the Solar System. It is a nearly perfect ball of hot plasma, ' +
      'heated to incandescence by nuclear fusion reactions in its core. The Sun is about 4.6 billion years old and ' +
      'holds about 99.86% of the mass of the Solar System. Light from the Sun takes about eight minutes to reach Earth.\n',
  );
  git('add', '.');
  git('commit', '-q', '-m', 'sun');
  return { dir, commit: git('rev-parse', 'HEAD') };
}

beforeAll(async () => {
  platform = await startTestPlatform({ starterModel: STARTER, env: { PLATFORM_ALLOW_PRIVATE_GIT: 'true' } });
  token = await platform.api.newUser('sally');
  project = await platform.api.newProject(token, 'sdg');
  const repo = createDocsRepo();
  docsRepo = repo.dir;
  const knowledge = KNOWLEDGE_QNA.replace('https://github.com/example/astronomy-docs', `file://${repo.dir}`).replace(
    '0123456789abcdef',
    repo.commit,
  );
  const key = await uploadToTestBucket(
    `taxonomies/sdg-e2e-${run}/taxonomy.tar.gz`,
    await tarGz([
      { name: `taxonomy/${KNOWLEDGE_LEAF}`, content: knowledge },
      { name: `taxonomy/${SKILL_LEAF}`, content: SKILL_QNA },
    ]),
  );
  const taxonomy = await platform.api.request<{ id: string }>('POST', `/v1/projects/${project}/taxonomies`, {
    token,
    body: { name: 'sdg-taxonomy', taxonomy_path_cos: key },
  });
  if (taxonomy.status !== 201) throw new Error(`taxonomy create failed: ${taxonomy.status} ${JSON.stringify(taxonomy.body)}`);
  taxonomyId = taxonomy.body.id;
});

afterAll(async () => {
  await platform?.stop();
  if (docsRepo) rmSync(docsRepo, { recursive: true, force: true });
});

describe('/v1/data synthetic data generation', () => {
  let fullRun: DataJob;

  it('create answers 202 with the seed fields and status queued', async () => {
    const res = await create({ name: 'example-data-1', taxonomy_id: taxonomyId, num_instructions: 2 });
    expect(res.status).toBe(202);
    fullRun = res.body;
    expect(Object.keys(fullRun).sort()).toEqual([
      'created_at',
      'data_metrics',
      'href',
      'id',
      'judge_model',
      'name',
      'project_id',
      'state',
      'status',
      'taxonomy_id',
      'teacher_model',
    ]);
    expect(fullRun).toMatchObject({
      project_id: project,
      name: 'example-data-1',
      status: 'queued',
      state: '',
      taxonomy_id: taxonomyId,
      data_metrics: { samples: {} },
    });
    expect(fullRun.id).toMatch(/^[a-z0-9-]{36}$/);
    expect(fullRun.created_at).toMatch(TIMESTAMP);
    expect(fullRun.href).toBe(`${platform.url}/v1/projects/${project}/data/${fullRun.id}`);
    // No model named: the catalog's built-in model teaches and judges.
    expect(fullRun.teacher_model).toBe(STARTER);
    expect(fullRun.judge_model).toBe(STARTER);
  });

  it('runs the whole job on the built-in model: phase-1 and phase-2 data, metrics, events', async () => {
    const job = await settled(fullRun.id, 420_000);
    fullRun = job;
    expect(job.failure_reason).toBeUndefined();
    expect(job.status).toBe('completed');
    expect(job.state).toMatch(/^[a-z]*$/);
    expect(job.completed_at).toMatch(TIMESTAMP);
    const keys = await keysUnder(`data/${job.id}/`);
    expect(keys).toContain(`data/${job.id}/manifest.json`);
    for (const file of ['knowledge_train_msgs.jsonl', 'skills_train_msgs.jsonl']) {
      const lines = (await objectText(`data/${job.id}/${file}`)).split('\n').filter(Boolean);
      expect(lines.length, file).toBeGreaterThan(0);
      const record = JSON.parse(lines[0]) as {
        id: string;
        messages: { role: string; content: string }[];
        metadata: string;
        unmask: boolean;
      };
      expect(typeof record.id).toBe('string');
      expect(record.messages.map((m) => m.role)).toContain('assistant');
      expect(typeof record.metadata).toBe('string');
      expect(typeof record.unmask).toBe('boolean');
    }

    const metrics = job.data_metrics;
    const shown = JSON.stringify(metrics);
    expect(Object.keys(metrics?.samples ?? {}).sort()).toEqual([SKILL_LEAF, KNOWLEDGE_LEAF].sort());
    for (const n of Object.values(metrics?.samples ?? {})) expect(n).toBeGreaterThan(0);
    expect(metrics?.tokens?.data_tokens_total, shown).toBeGreaterThan(0);
    expect(typeof metrics?.tokens?.data_leaf_nodes, shown).toBe('object');
    expect(metrics?.tokens?.training_estimated, shown).toBeGreaterThan(0);
    expect(metrics?.tokens?.training_phases.phase_1_knowledge, shown).toBeGreaterThan(0);
    expect(metrics?.tokens?.training_phases.phase_2_skills, shown).toBeGreaterThan(0);

    const completed = await eventually(
      () => storedEvents(platform.events, 'sdg.job.completed'),
      (evs) => evs.some((e) => e.data.dataId === job.id),
    );
    expect(completed.find((e) => e.data.dataId === job.id)?.data).toEqual({ dataId: job.id, projectId: project, taxonomyId });
    const progress = (await storedEvents(platform.events, 'sdg.job.progress')).filter((e) => e.data.dataId === job.id);
    expect(progress.length).toBeGreaterThan(0);
    expect(Object.keys(progress[0].data).sort()).toEqual(['dataId', 'done', 'projectId', 'samples', 'stage', 'total']);
    // Once generating, each event also reports every leaf: its batches and the samples kept so far.
    const last = progress[progress.length - 1].data as {
      leaves?: { leaf: string; batchesDone: number; batchesTotal: number; samples: number }[];
    };
    expect(last.leaves?.map((l) => l.leaf).sort()).toEqual([SKILL_LEAF, KNOWLEDGE_LEAF].sort());
    for (const l of last.leaves ?? []) {
      expect(l.batchesDone, l.leaf).toBe(l.batchesTotal);
      expect(l.samples, l.leaf).toBe(metrics?.samples[l.leaf]);
    }
    // The job as read carries the same last report, in the API's field names.
    expect(job.progress?.leaves).toEqual(
      last.leaves?.map((l) => ({ leaf: l.leaf, batches_done: l.batchesDone, batches_total: l.batchesTotal, samples: l.samples })),
    );

    // Finished work cannot be canceled.
    const again = await cancel(job.id);
    expect(again.status).toBe(400);
    expect(envelopeOf(again).code).toBe('invalid_request');
  }, 480_000);

  it('lists per project, under /v1/projects/{id}/data and /v1/data', async () => {
    const listed = await platform.api.request<{ data: DataJob[] }>('GET', `/v1/projects/${project}/data`, { token });
    expect(listed.status).toBe(200);
    const mine = listed.body.data.find((d) => d.id === fullRun.id);
    expect(mine && Object.keys(mine).sort()).toEqual(
      [
        'created_at',
        'href',
        'id',
        'name',
        'project_id',
        'state',
        'status',
        'taxonomy_id',
        ...(mine?.completed_at ? ['completed_at'] : []),
      ].sort(),
    );
    const viaQuery = await platform.api.request<{ data: DataJob[] }>('GET', `/v1/data?project_id=${project}`, { token });
    expect(viaQuery.body.data.map((d) => d.id)).toContain(fullRun.id);
    // sally's first project is her default.
    const viaDefault = await platform.api.request<{ data: DataJob[] }>('GET', '/v1/data', { token });
    expect(viaDefault.body.data.map((d) => d.id)).toContain(fullRun.id);
    const one = await platform.api.request<DataJob>('GET', `/v1/data/${fullRun.id}`, { token });
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(fullRun.id);
    const otherUser = await platform.api.newUser('olga');
    const otherProject = await platform.api.newProject(otherUser, 'other');
    const foreign = await platform.api.request<{ data: DataJob[] }>('GET', `/v1/projects/${otherProject}/data`, { token: otherUser });
    expect(foreign.body.data).toEqual([]);
  });

  it('pages through the generated samples per leaf under both paths; refuses bad parameters and other projects', async () => {
    type Samples = {
      samples: { leaf: string; index: number; question: string; response: string; truncated: boolean }[];
      next?: { start: string };
    };
    const samplesPath = `/v1/projects/${project}/data/${fullRun.id}/samples`;
    for (const leaf of [SKILL_LEAF, KNOWLEDGE_LEAF]) {
      const seen: number[] = [];
      let start: string | undefined;
      do {
        const q = new URLSearchParams({ leaf, limit: '2', ...(start ? { start } : {}) });
        const page = await platform.api.request<Samples>('GET', `${samplesPath}?${q}`, { token });
        expect(page.status).toBe(200);
        expect(page.body.samples.length).toBeLessThanOrEqual(2);
        for (const s of page.body.samples) {
          expect(s.leaf).toBe(leaf);
          expect(s.question.length + s.response.length).toBeGreaterThan(0);
        }
        seen.push(...page.body.samples.map((s) => s.index));
        start = page.body.next?.start;
      } while (start);
      expect(seen).toEqual(Array.from({ length: fullRun.data_metrics?.samples[leaf] ?? -1 }, (_, i) => i));
    }
    const viaQuery = await platform.api.request<Samples>('GET', `/v1/data/${fullRun.id}/samples?project_id=${project}&limit=100`, {
      token,
    });
    expect(viaQuery.status).toBe(200);
    expect(new Set(viaQuery.body.samples.map((s) => s.leaf))).toEqual(new Set([SKILL_LEAF, KNOWLEDGE_LEAF]));

    for (const [query, name] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['start=not*a*token', 'start'],
      [`start=${Buffer.from('["x","y","z"]').toString('base64url')}`, 'start'],
      ['leaf=', 'leaf'],
    ]) {
      const res = await platform.api.request('GET', `${samplesPath}?${query}`, { token });
      expect(res.status, query).toBe(400);
      expect(envelopeOf(res).target?.name, query).toBe(name);
    }
    const otherUser = await platform.api.newUser('oscar');
    const otherProject = await platform.api.newProject(otherUser, 'other-samples');
    const foreign = await platform.api.request('GET', `/v1/projects/${otherProject}/data/${fullRun.id}/samples`, { token: otherUser });
    expect(foreign.status).toBe(404);
    expect(envelopeOf(foreign).code).toBe('data_not_found');
    expect((await platform.api.request('GET', `${samplesPath}`, { token: otherUser })).status).toBe(403);
  });

  it('cancel answers 204 and the job reaches canceled; a second cancel is 400', async () => {
    const created = await create({ name: 'to-cancel', taxonomy_id: taxonomyId });
    expect(created.status).toBe(202);
    const res = await cancel(created.body.id);
    expect(res.status).toBe(204);
    const job = await settled(created.body.id, 10_000);
    expect(job.status).toBe('canceled');
    expect(job.completed_at).toMatch(TIMESTAMP);
    expect((await cancel(created.body.id)).status).toBe(400);
    const viaDefault = await platform.api.request('POST', `/v1/data/${created.body.id}/cancel?project_id=${project}`, { token });
    expect(viaDefault.status).toBe(400);
  });

  it('refuses bad input with 400 envelopes naming the field, unknown taxonomies and jobs with 404', async () => {
    for (const name of ['', 'a'.repeat(33), '-lead', 'dou--ble', 'sp ace', 42]) {
      const res = await create({ name, taxonomy_id: taxonomyId });
      expect(res.status, String(name)).toBe(400);
      expect(envelopeOf(res).target).toEqual({ type: 'field', name: 'name' });
    }
    for (const taxonomy_id of ['short', 'A'.repeat(36), undefined]) {
      const res = await create({ name: 'bad-taxonomy', taxonomy_id });
      expect(res.status, String(taxonomy_id)).toBe(400);
      expect(envelopeOf(res).target).toEqual({ type: 'field', name: 'taxonomy_id' });
    }
    const unknownModel = await create({ name: 'bad-model', taxonomy_id: taxonomyId, teacher_model: 'no/such-model' });
    expect(unknownModel.status).toBe(400);
    expect(envelopeOf(unknownModel).target).toEqual({ type: 'field', name: 'teacher_model' });

    const missingTaxonomy = await create({ name: 'no-taxonomy', taxonomy_id: randomUUID() });
    expect(missingTaxonomy.status).toBe(404);
    expect(envelopeOf(missingTaxonomy).code).toBe('taxonomy_not_found');

    const duplicate = await create({ name: 'example-data-1', taxonomy_id: taxonomyId });
    expect(duplicate.status).toBe(409);

    expect((await get('not-an-id')).status).toBe(400);
    const unknown = await get(randomUUID());
    expect(unknown.status).toBe(404);
    expect(envelopeOf(unknown).code).toBe('data_not_found');
    expect((await cancel(randomUUID())).status).toBe(404);
    expect((await platform.api.request('DELETE', `/v1/projects/${project}/data/${randomUUID()}`, { token })).status).toBe(404);
  });

  it('delete answers 204 and removes the job and its data/<id>/ objects', async () => {
    expect((await keysUnder(`data/${fullRun.id}/`)).length).toBeGreaterThan(0);
    const res = await platform.api.request('DELETE', `/v1/projects/${project}/data/${fullRun.id}`, { token });
    expect(res.status).toBe(204);
    expect((await get(fullRun.id)).status).toBe(404);
    expect(await keysUnder(`data/${fullRun.id}/`)).toEqual([]);
    expect((await platform.api.request('DELETE', `/v1/data/${fullRun.id}?project_id=${project}`, { token })).status).toBe(404);
  });
});
