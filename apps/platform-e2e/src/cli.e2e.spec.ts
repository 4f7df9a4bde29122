import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runIlab, type IlabResult } from './support/ilab-cli';
import { SKILL_QNA, tarGz } from './support/tarballs';
import { startTestPlatform, type TestPlatform } from './support/test-platform';
import { testBucketClient } from './support/test-bucket';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

let platform: TestPlatform;
let adminToken: string;
let workDir: string;
let tarball: string;
let cliEnv: NodeJS.ProcessEnv;
const run = randomBytes(4).toString('hex');

/** The `ilab` CLI against the real platform, as the admin unless `env` says otherwise. */
function ilab(args: string[], env: NodeJS.ProcessEnv = {}): Promise<IlabResult> {
  return runIlab(args, { ...cliEnv, ...env });
}

/** Runs a verb with `--output json`, expecting success, and returns the parsed output. */
async function ilabJson<T = Record<string, unknown>>(args: string[], env?: NodeJS.ProcessEnv): Promise<T> {
  const res = await ilab([...args, '--output', 'json'], env);
  expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(0);
  return JSON.parse(res.stdout) as T;
}

async function apiGet(path: string): Promise<{ status: number; body: unknown }> {
  const res = await platform.api.request('GET', path, { token: adminToken });
  return { status: res.status, body: res.body };
}

async function objectBytes(key: string): Promise<Buffer> {
  const client = testBucketClient();
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: inject('s3').bucket, Key: key }));
    return Buffer.from(await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  } finally {
    client.destroy();
  }
}

beforeAll(async () => {
  // The engine model gives SDG jobs a teacher, so a data job is really queued or running while the CLI drives it.
  platform = await startTestPlatform({ engineModel: 'platform/starter-llama' });
  adminToken = await platform.api.adminToken();
  const s3 = inject('s3');
  cliEnv = {
    ILAB_URL: platform.url,
    ILAB_API_KEY: platform.secrets.adminApiKey,
    ILAB_S3_ENDPOINT: s3.endpoint,
    ILAB_S3_BUCKET: s3.bucket,
    ILAB_S3_ACCESS_KEY: s3.accessKey,
    ILAB_S3_SECRET_KEY: s3.secretKey,
  };
  workDir = mkdtempSync(join(tmpdir(), 'ilab-e2e-'));
  // A skills-only taxonomy: valid under the InstructLab schemas, and no document repository to fetch.
  tarball = join(workDir, 'taxonomy.tar.gz');
  writeFileSync(tarball, await tarGz([{ name: 'taxonomy/compositional_skills/writing/poetry/qna.yaml', content: SKILL_QNA }]));
});

afterAll(async () => {
  await platform?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('ilab taxonomy', () => {
  let created: { id: string; name: string; taxonomy_path_cos: string; project_id: string };

  it('create uploads the tarball to the bucket, then creates the taxonomy from it', async () => {
    const key = `taxonomies/cli-${run}/taxonomy.tar.gz`;
    created = await ilabJson(['taxonomy', 'create', '--name', 'cli-taxonomy', '--file', tarball, '--cos-path', key]);
    expect(created).toMatchObject({
      name: 'cli-taxonomy',
      taxonomy_path_cos: key,
      cos_bucket_information: { bucket: inject('s3').bucket },
    });
    expect(created.id).toMatch(/^[a-z0-9-]{36}$/);
    expect((await objectBytes(key)).equals(readFileSync(tarball))).toBe(true);
    // The create output is the API's object: the same as its GET.
    expect((await apiGet(`/v1/projects/${created.project_id}/taxonomies/${created.id}`)).body).toEqual(created);
  });

  it('create defaults the object key to taxonomies/taxonomy-<time>.tar.gz and prints a readable summary', async () => {
    const res = await ilab(['taxonomy', 'create', '--name', 'cli-default-path', '--file', tarball]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/^Uploaded .*taxonomy\.tar\.gz to s3:\/\/[^/]+\/taxonomies\/taxonomy-\d{8}T\d{9}Z\.tar\.gz$/m);
    expect(res.stdout).toMatch(/^Name\s+cli-default-path$/m);
    expect(res.stdout).toMatch(/^Path\s+taxonomies\/taxonomy-\d{8}T\d{9}Z\.tar\.gz$/m);
  });

  it('list and get --output json print exactly the API JSON', async () => {
    expect(await ilabJson(['taxonomy', 'list'])).toEqual((await apiGet('/v1/taxonomies')).body);
    expect(await ilabJson(['taxonomy', 'get', '--id', created.id])).toEqual((await apiGet(`/v1/taxonomies/${created.id}`)).body);
    const table = await ilab(['taxonomy', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+PATH\s+CREATED$/m);
    expect(table.stdout).toMatch(new RegExp(`^${created.id}\\s+cli-taxonomy\\s+taxonomies/cli-${run}/taxonomy.tar.gz\\s+\\S+Z$`, 'm'));
  });

  it('works with a bearer token and a named project', async () => {
    const project = await platform.api.newProject(adminToken, 'cli-named');
    const t = await ilabJson<{ id: string; href: string }>(
      ['--project-id', project, 'taxonomy', 'create', '--name', 'in-project', '--file', tarball],
      {
        ILAB_API_KEY: '',
        ILAB_TOKEN: adminToken,
      },
    );
    expect(t.href).toBe(`${platform.url}/v1/projects/${project}/taxonomies/${t.id}`);
    const listed = await ilabJson<{ taxonomies: { id: string }[] }>(['taxonomy', 'list'], { ILAB_PROJECT_ID: project });
    expect(listed.taxonomies.map((x) => x.id)).toEqual([t.id]);
  });

  it('an invalid taxonomy prints every message of the error envelope and exits 1', async () => {
    const bad = join(workDir, 'invalid.tar.gz');
    const skill = 'compositional_skills/writing/limericks/qna.yaml';
    writeFileSync(bad, await tarGz([{ name: `taxonomy/${skill}`, content: SKILL_QNA.replace('created_by: e2e', 'createdby: e2e') }]));
    const res = await ilab(['taxonomy', 'create', '--name', 'cli-invalid', '--file', bad]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain(`Error: ${skill}:1: the file is missing the required key "created_by"`);
    expect(res.stderr).toMatch(/unknown key "createdby"/);
    expect(res.stderr).toMatch(/^HTTP 400, trace \S+$/m);
  });

  it('API errors exit 1 with the message; usage errors exit 2', async () => {
    const badName = await ilab(['taxonomy', 'create', '--name', '-bad-', '--file', tarball]);
    expect(badName.code).toBe(1);
    expect(badName.stderr).toMatch(/^Error: .*\(\w+, field name\)$/m);

    const missing = await ilab(['taxonomy', 'get', '--id', UNKNOWN_ID]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/\(taxonomy_not_found/);
    expect(missing.stderr).toMatch(/^HTTP 404/m);

    const wrongKey = await ilab(['taxonomy', 'list'], { ILAB_API_KEY: 'not-the-key' });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/^HTTP 401/m);

    for (const args of [
      ['taxonomy', 'get'],
      ['taxonomy', 'list', '--output', 'yaml'],
      ['taxonomy', 'frobnicate'],
      ['data', 'create', '--name', 'x'],
    ]) {
      const usage = await ilab(args);
      expect(usage.code, args.join(' ')).toBe(2);
      expect(usage.stderr).toMatch(/^error: /m);
    }
  });

  it('delete removes the taxonomy', async () => {
    const res = await ilab(['taxonomy', 'delete', '--id', created.id]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe(`Deleted taxonomy ${created.id}.\n`);
    expect((await apiGet(`/v1/taxonomies/${created.id}`)).status).toBe(404);
    expect((await ilab(['taxonomy', 'delete', '--id', created.id])).code).toBe(1);
  });
});

// The data and model routes follow seed 000; these run against the SDG and training services.
describe('ilab data and model', () => {
  let taxonomyId: string;
  let data: { id: string; status: string; taxonomy_id: string; name: string };

  beforeAll(async () => {
    taxonomyId = (await ilabJson<{ id: string }>(['taxonomy', 'create', '--name', 'cli-for-data', '--file', tarball])).id;
  });

  it('data create queues a job, and data get --output json equals the API GET', async () => {
    data = await ilabJson(['data', 'create', '--name', 'cli-data', '--taxonomy-id', taxonomyId]);
    expect(data).toMatchObject({ name: 'cli-data', status: 'queued', taxonomy_id: taxonomyId });
    expect(data.id).toMatch(/^[a-z0-9-]{36}$/);
    const cancel = await ilab(['data', 'cancel', '--id', data.id]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toBe(`Canceled data ${data.id}.\n`);
    // Once canceled the job no longer changes, so the CLI's GET and the API's GET must be identical.
    const watched = await ilab(['data', 'get', '--id', data.id, '--watch', '--interval', '0.2', '--output', 'json']);
    expect(watched.code).toBe(1); // --watch exits 0 only for a completed job
    expect(watched.stderr).toMatch(new RegExp(`data ${data.id} ended canceled`));
    const shown = JSON.parse(watched.stdout) as { status: string };
    expect(shown.status).toBe('canceled');
    expect(shown).toEqual((await apiGet(`/v1/data/${data.id}`)).body);
    expect(await ilabJson(['data', 'get', '--id', data.id])).toEqual(shown);
  });

  it('data list prints the API list, as JSON or as a table', async () => {
    expect(await ilabJson(['data', 'list'])).toEqual((await apiGet('/v1/data')).body);
    const table = await ilab(['data', 'list']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^${data.id}\\s+cli-data\\s+canceled\\s`, 'm'));
  });

  it('model train refuses data that is not completed, printing the envelope', async () => {
    const res = await ilab(['model', 'train', '--name', 'cli-model', '--data-id', data.id]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^Error: /m);
    expect(res.stderr).toMatch(/^HTTP 400/m);
  });

  it('model list, get, cancel and delete speak to /v1/models', async () => {
    expect(await ilabJson(['model', 'list'])).toEqual((await apiGet('/v1/models')).body);
    for (const verb of ['get', 'cancel', 'delete']) {
      const res = await ilab(['model', verb, '--id', UNKNOWN_ID]);
      expect(res.code, verb).toBe(1);
      expect(res.stderr, verb).toMatch(/^HTTP 404/m);
    }
  });

  it('data delete removes the job', async () => {
    const res = await ilab(['data', 'delete', '--id', data.id]);
    expect(res.code, res.stderr).toBe(0);
    expect((await apiGet(`/v1/data/${data.id}`)).status).toBe(404);
    const gone = await ilab(['data', 'get', '--id', data.id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^HTTP 404/m);
  });
});
