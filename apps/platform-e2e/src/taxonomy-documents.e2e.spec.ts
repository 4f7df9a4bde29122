import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { connectGrpcService, unary } from '@platform/common';
import { taxonomyV1 } from '@platform/contracts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getEncoding } from 'js-tiktoken';
import type { ApiResponse } from './support/api';
import {
  createGitFixture,
  createTestCertificate,
  minimalPdf,
  startGitHttpServer,
  type GitFixture,
  type GitHttpServer,
  type TestCertificate,
} from '@platform/test-fixtures';
import { KNOWLEDGE_QNA, SKILL_QNA, tarGz } from './support/tarballs';
import { uploadToTestBucket } from './support/test-bucket';
import { startTestPlatform, type TestPlatform } from './support/test-platform';
import { testBucketClient } from './support/test-bucket';

/** Two platforms: one allowing private document sources (the embedded default), one refusing them. */
let open: TestPlatform;
let strict: TestPlatform;
let repo: GitFixture;
let first: string;
let second: string;
let tls: TestCertificate;
let server: GitHttpServer;
let httpsRepo: string;
/** Servers of a project member who wants the secret: one over https (trusted CA), one over plain http. */
let attackerHttps: GitHttpServer;
let attackerHttp: GitHttpServer;
let token: string;
let project: string;
let strictToken: string;
let strictProject: string;
let s3: S3Client;
const run = randomBytes(4).toString('hex');
const HTTP_PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const WRONG_PASSWORD = `wrong-${randomBytes(12).toString('hex')}`;
const TOKEN_PAYLOAD = `tok-${randomBytes(12).toString('hex')}`;
const responses: ApiResponse<unknown>[] = [];

const KNOWLEDGE_LEAF = 'knowledge/science/astronomy/sun/qna.yaml';
const FREEFORM_LEAF = 'compositional_skills/writing/poetry/qna.yaml';
const GROUNDED_LEAF = 'compositional_skills/extraction/colors/qna.yaml';
const GROUNDED_QNA = `version: 2
task_description: Name the color the text mentions
created_by: e2e
seed_examples:
${['red apple', 'blue sky', 'green grass', 'yellow sun', 'white snow']
  .map(
    (thing) =>
      `  - context: The text talks about a ${thing}.\n    question: Which color is mentioned?\n    answer: ${thing.split(' ')[0]}\n`,
  )
  .join('')}`;

const knowledgeQna = (repoUrl: string, commit: string, patterns: string[]) =>
  KNOWLEDGE_QNA.replace(
    /document:\n[\s\S]*$/,
    `document:\n  repo: ${repoUrl}\n  commit: ${commit}\n  patterns:\n${patterns.map((p) => `    - '${p}'\n`).join('')}`,
  );

async function taxonomyTarball(qna: string, name: string): Promise<string> {
  return uploadToTestBucket(
    `taxonomies/e2e-docs-${run}/${name}.tar.gz`,
    await tarGz([
      { name: `taxonomy/${KNOWLEDGE_LEAF}`, content: qna },
      { name: `taxonomy/${FREEFORM_LEAF}`, content: SKILL_QNA },
      { name: `taxonomy/${GROUNDED_LEAF}`, content: GROUNDED_QNA },
    ]),
  );
}

async function call<T = Record<string, unknown>>(
  platform: TestPlatform,
  method: string,
  path: string,
  opts: { token: string; body?: unknown },
): Promise<ApiResponse<T>> {
  const res = await platform.api.request<T>(method, path, opts);
  responses.push(res);
  return res;
}

const createTaxonomy = (body: Record<string, unknown>, platform = open, t = token, p = project) =>
  call(platform, 'POST', `/v1/projects/${p}/taxonomies`, { token: t, body });

async function content(platform: TestPlatform, projectId: string, id: string): Promise<taxonomyV1.GetTaxonomyContentResponse> {
  const client = connectGrpcService<taxonomyV1.TaxonomyServiceClient>('taxonomy', taxonomyV1.TAXONOMY_SERVICE_NAME, {
    url: `127.0.0.1:${platform.options.ports.services.taxonomy.grpc}`,
  });
  try {
    return await unary(client.service.getTaxonomyContent({ projectId, id }));
  } finally {
    client.close();
  }
}

async function objectText(key: string): Promise<string | null> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: inject('s3').bucket, Key: key }));
    return (await res.Body?.transformToString('utf8')) ?? null;
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey') return null;
    throw err;
  }
}

function errorsOf(res: ApiResponse<unknown>): { code: string; message: string; target?: { name: string } }[] {
  return (res.body as { errors: { code: string; message: string; target?: { name: string } }[] }).errors;
}

beforeAll(async () => {
  s3 = testBucketClient();
  repo = await createGitFixture();
  first = await repo.commit(
    {
      'sun.md': '# The Sun\n\nFirst version: the Sun is a star.\n',
      'docs/sun.pdf': minimalPdf(['First version of the PDF: the Sun shines.']),
      'notes.txt': 'ignored',
    },
    'first',
  );
  second = await repo.commit(
    { 'sun.md': '# The Sun\n\nSecond version: the Sun is a G-type star.\n', 'docs/sun.pdf': minimalPdf(['Second version of the PDF.']) },
    'second',
  );
  tls = await createTestCertificate();
  const thief = { username: 'thief', password: 'not-the-secret' };
  [server, attackerHttps, attackerHttp] = await Promise.all([
    startGitHttpServer(dirname(repo.dir), { username: 'reader', password: HTTP_PASSWORD }, { tls }),
    startGitHttpServer(dirname(repo.dir), thief, { tls }),
    startGitHttpServer(dirname(repo.dir), thief),
  ]);
  httpsRepo = `${server.url}/${basename(repo.dir)}/.git`;
  [open, strict] = await Promise.all([
    // The test CA is the operator's own (PLATFORM_GIT_CA_FILE), as for a git host behind a company CA.
    startTestPlatform({ env: { PLATFORM_ALLOW_PRIVATE_GIT: 'true', PLATFORM_GIT_CA_FILE: tls.caFile, LOG_LEVEL: 'debug' } }),
    startTestPlatform({ env: { PLATFORM_ALLOW_PRIVATE_GIT: 'false', LOG_LEVEL: 'debug' } }),
  ]);
  token = await open.api.newUser('dora');
  project = await open.api.newProject(token, 'documents');
  strictToken = await strict.api.newUser('stella');
  strictProject = await strict.api.newProject(strictToken, 'strict');
}, 180_000);

afterAll(async () => {
  await Promise.all([open?.stop(), strict?.stop()]);
  await Promise.all([server?.close(), attackerHttps?.close(), attackerHttp?.close()]);
  await tls?.remove();
  if (repo) rmSync(repo.dir, { recursive: true, force: true });
  s3?.destroy();
});

describe('knowledge documents', () => {
  it('fetches the pinned commit over file://, stores Markdown and PDF text, serves them through GetTaxonomyContent and counts their tokens', async () => {
    const qna = knowledgeQna(`file://${repo.dir}`, first, ['*.md', 'docs/*.pdf']);
    const res = await createTaxonomy({ name: 'docs-file', taxonomy_path_cos: await taxonomyTarball(qna, 'file') });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body.id as string;

    const got = await content(open, project, id);
    expect(got.taxonomy?.id).toBe(id);
    expect(got.leaves.map((l) => [l.path, l.kind])).toEqual([
      [GROUNDED_LEAF, taxonomyV1.LeafKind.LEAF_KIND_GROUNDED_SKILL],
      [FREEFORM_LEAF, taxonomyV1.LeafKind.LEAF_KIND_FREEFORM_SKILL],
      [KNOWLEDGE_LEAF, taxonomyV1.LeafKind.LEAF_KIND_KNOWLEDGE],
    ]);
    const knowledge = got.leaves[2];
    expect(knowledge.qnaYaml).toBe(qna);
    expect(got.leaves[0].documents).toEqual([]);
    const prefix = `taxonomies/${id}/documents/knowledge/science/astronomy/sun/`;
    expect(knowledge.documents.map((d) => [d.sourcePath, d.objectKey])).toEqual([
      ['docs/sun.pdf', `${prefix}docs/sun.pdf.md`],
      ['sun.md', `${prefix}sun.md.md`],
    ]);
    const md = await objectText(`${prefix}sun.md.md`);
    const pdf = await objectText(`${prefix}docs/sun.pdf.md`);
    expect(md).toBe('# The Sun\n\nFirst version: the Sun is a star.\n');
    expect(pdf).toContain('First version of the PDF: the Sun shines.');
    expect(knowledge.documents.map((d) => d.sizeBytes)).toEqual([Buffer.byteLength(pdf ?? ''), Buffer.byteLength(md ?? '')]);

    // The same taxonomy without the PDF: the estimate differs by exactly the PDF text's tokens (cl100k_base,
    // the BPE the service documents for its estimates).
    const tokens = (res.body.tokens as { data_tokens_estimated: number }).data_tokens_estimated;
    const mdOnly = await createTaxonomy({
      name: 'docs-file-md',
      taxonomy_path_cos: await taxonomyTarball(knowledgeQna(`file://${repo.dir}`, first, ['*.md']), 'file-md'),
    });
    expect(mdOnly.status).toBe(201);
    const mdTokens = (mdOnly.body.tokens as { data_tokens_estimated: number }).data_tokens_estimated;
    const pdfTokens = getEncoding('cl100k_base').encode(pdf ?? '', [], []).length;
    expect(pdfTokens).toBeGreaterThan(5);
    expect(tokens - mdTokens).toBe(pdfTokens);

    // The documents belong to the taxonomy: deleting it removes them (the uploaded tarball stays).
    expect((await call(open, 'DELETE', `/v1/projects/${project}/taxonomies/${id}`, { token })).status).toBe(204);
    expect(await objectText(`${prefix}sun.md.md`)).toBeNull();
  });

  it('refuses an unknown commit and patterns matching nothing with a 400 naming the leaf, storing nothing', async () => {
    const unknown = await createTaxonomy({
      name: 'docs-unknown',
      taxonomy_path_cos: await taxonomyTarball(knowledgeQna(`file://${repo.dir}`, 'a'.repeat(40), ['*.md']), 'unknown'),
    });
    expect(unknown.status).toBe(400);
    expect(errorsOf(unknown)).toEqual([
      expect.objectContaining({
        code: 'invalid_taxonomy',
        message: expect.stringMatching(new RegExp(`^${KNOWLEDGE_LEAF}:\\d+: document.commit a{40} was not found`)),
        target: expect.objectContaining({ name: KNOWLEDGE_LEAF }),
      }),
    ]);
    const nothing = await createTaxonomy({
      name: 'docs-nothing',
      taxonomy_path_cos: await taxonomyTarball(knowledgeQna(`file://${repo.dir}`, first, ['*.rst']), 'nothing'),
    });
    expect(nothing.status).toBe(400);
    expect(errorsOf(nothing)[0].message).toMatch(/no file of .* matches document.patterns \["\*\.rst"\]/);
    const listed = await call<{ taxonomies: { name: string }[] }>(open, 'GET', `/v1/projects/${project}/taxonomies`, { token });
    expect(listed.body.taxonomies.map((t) => t.name)).not.toEqual(expect.arrayContaining(['docs-unknown']));
    expect(listed.body.taxonomies.map((t) => t.name)).not.toEqual(expect.arrayContaining(['docs-nothing']));
  });

  it('leaves no documents behind when a concurrent create with the same name loses', async () => {
    const leafDir = `knowledge/race${run}/sun`;
    const path = await uploadToTestBucket(
      `taxonomies/e2e-docs-${run}/race.tar.gz`,
      await tarGz([{ name: `${leafDir}/qna.yaml`, content: knowledgeQna(`file://${repo.dir}`, first, ['*.md', 'docs/*.pdf']) }]),
    );
    const results = await Promise.all([1, 2, 3].map(() => createTaxonomy({ name: 'docs-race', taxonomy_path_cos: path })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const winner = results.find((r) => r.status === 201)?.body.id as string;
    const keys: string[] = [];
    let next: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: inject('s3').bucket, Prefix: 'taxonomies/', ContinuationToken: next }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key ?? '').filter((k) => k.includes(`/documents/${leafDir}/`)));
      next = page.NextContinuationToken;
    } while (next);
    expect(keys.sort()).toEqual([
      `taxonomies/${winner}/documents/${leafDir}/docs/sun.pdf.md`,
      `taxonomies/${winner}/documents/${leafDir}/sun.md.md`,
    ]);
  });

  it('fetches over smart HTTP (https) with basic auth from a username_password secret, and refuses without or with wrong credentials', async () => {
    const path = await taxonomyTarball(knowledgeQna(httpsRepo, second, ['*.md']), 'https');
    const secret = await call<{ id: string; allowed_urls: string[] }>(open, 'POST', `/api/v2/secrets?project_id=${project}`, {
      token,
      body: {
        secret_type: 'username_password',
        name: 'docs-reader',
        username: 'reader',
        password: HTTP_PASSWORD,
        allowed_urls: [`${server.url}/`],
      },
    });
    expect(secret.status).toBe(201);
    expect(secret.body.allowed_urls).toEqual([`${server.url}/`]);
    const wrong = await call<{ id: string }>(open, 'POST', `/api/v2/secrets?project_id=${project}`, {
      token,
      body: {
        secret_type: 'username_password',
        name: 'docs-wrong',
        username: 'reader',
        password: WRONG_PASSWORD,
        allowed_urls: [`${server.url}/`],
      },
    });
    expect(wrong.status).toBe(201);

    const ok = await createTaxonomy({
      name: 'docs-http',
      taxonomy_path_cos: path,
      secrets_manager_config: { url: open.url, git_id: secret.body.id },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const leaf = (await content(open, project, ok.body.id as string)).leaves.find((l) => l.path === KNOWLEDGE_LEAF);
    expect(await objectText(leaf?.documents[0]?.objectKey ?? '')).toBe('# The Sun\n\nSecond version: the Sun is a G-type star.\n');
    expect(server.requests.some((r) => r.authorized)).toBe(true);

    const without = await createTaxonomy({ name: 'docs-http-anon', taxonomy_path_cos: path });
    expect(without.status).toBe(400);
    expect(errorsOf(without)[0].message).toMatch(new RegExp(`^${KNOWLEDGE_LEAF}:\\d+: document.repo .*: authentication failed`));
    const denied = await createTaxonomy({
      name: 'docs-http-wrong',
      taxonomy_path_cos: path,
      secrets_manager_config: { url: open.url, git_id: wrong.body.id },
    });
    expect(denied.status).toBe(400);
    expect(errorsOf(denied)[0].message).toMatch(/authentication failed/);
  });

  it("sends a secret only where it is bound: a member's own server gets no Authorization header, over https or http", async () => {
    // The project's reader secret is bound to the team's git server; another editor of the project points a taxonomy
    // at servers of her own and names it.
    const secret = await call<{ id: string }>(open, 'POST', `/api/v2/secrets?project_id=${project}`, {
      token,
      body: {
        secret_type: 'username_password',
        name: 'team-reader',
        username: 'reader',
        password: HTTP_PASSWORD,
        allowed_urls: [`${server.url}/`],
      },
    });
    expect(secret.status).toBe(201);
    const editor = await open.api.newUser('eve');
    expect(
      (await call(open, 'POST', `/v2/projects/${project}/members`, { token, body: { members: [{ user_name: 'eve', role: 'editor' }] } }))
        .status,
    ).toBe(201);
    const attempts = [
      [
        `${attackerHttps.url}/${basename(repo.dir)}/.git`,
        /the secret named by secrets_manager_config.git_id is not bound to https:\/\/127\.0\.0\.1:\d+\//,
      ],
      [`${attackerHttp.url}/${basename(repo.dir)}/.git`, /credentials are never sent over unencrypted http/],
    ] as const;
    for (const [i, [repoUrl, why]] of attempts.entries()) {
      const res = await createTaxonomy(
        {
          name: `stolen-${i}`,
          taxonomy_path_cos: await taxonomyTarball(knowledgeQna(repoUrl, second, ['*.md']), `steal-${i}`),
          secrets_manager_config: { url: open.url, git_id: secret.body.id },
        },
        open,
        editor,
      );
      expect(res.status).toBe(400);
      expect(errorsOf(res)).toEqual([
        expect.objectContaining({
          code: 'invalid_taxonomy',
          message: expect.stringMatching(new RegExp(`^${KNOWLEDGE_LEAF}:\\d+: document.repo .*${why.source}`)),
          target: expect.objectContaining({ name: KNOWLEDGE_LEAF }),
        }),
      ]);
    }
    expect(attackerHttps.requests.filter((r) => r.sentCredentials)).toEqual([]);
    expect(attackerHttp.requests.filter((r) => r.sentCredentials)).toEqual([]);
  });

  it('refuses file and loopback sources when the operator does not allow private sources', async () => {
    const file = await createTaxonomy(
      { name: 'docs-file', taxonomy_path_cos: await taxonomyTarball(knowledgeQna(`file://${repo.dir}`, first, ['*.md']), 'strict-file') },
      strict,
      strictToken,
      strictProject,
    );
    expect(file.status).toBe(400);
    expect(errorsOf(file)[0].message).toMatch(
      /file URLs .* not allowed \(the operator can allow them with PLATFORM_ALLOW_PRIVATE_GIT=true\)/,
    );
    const loopback = await createTaxonomy(
      { name: 'docs-loopback', taxonomy_path_cos: await taxonomyTarball(knowledgeQna(httpsRepo, first, ['*.md']), 'strict-http') },
      strict,
      strictToken,
      strictProject,
    );
    expect(loopback.status).toBe(400);
    expect(errorsOf(loopback)[0].message).toMatch(/resolves to the private or loopback address 127\.0\.0\.1/);
    const listed = await call<{ taxonomies: unknown[] }>(strict, 'GET', `/v1/projects/${strictProject}/taxonomies`, { token: strictToken });
    expect(listed.body.taxonomies).toEqual([]);
  });
});

describe('secrets', () => {
  const secrets = (query = `?project_id=${strictProject}`) => `/api/v2/secrets${query}`;

  it('creates, lists, gets (metadata only), deletes and refuses bad input', async () => {
    const created = await call<Record<string, unknown>>(strict, 'POST', secrets(), {
      token: strictToken,
      body: {
        secret_type: 'arbitrary',
        name: 'ci-token',
        description: 'read-only token',
        payload: TOKEN_PAYLOAD,
        allowed_urls: ['https://GitHub.com/my-org/'],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'ci-token',
      secret_type: 'arbitrary',
      description: 'read-only token',
      project_id: strictProject,
      state_description: 'active',
      allowed_urls: ['https://github.com/my-org'],
    });
    expect(created.body.id).toMatch(/^[a-z0-9-]{36}$/);
    expect(created.body).not.toHaveProperty('payload');
    const id = created.body.id as string;

    const byDefault = await call<{ secrets: { id: string }[] }>(strict, 'GET', secrets(''), { token: strictToken });
    expect(byDefault.status).toBe(200);
    expect(byDefault.body.secrets.map((s) => s.id)).toEqual([id]);
    const got = await call(strict, 'GET', `/api/v2/secrets/${id}`, { token: strictToken });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const missing = await call(strict, 'GET', `/api/v2/secrets/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, { token: strictToken });
    expect(missing.status).toBe(404);
    const where = { allowed_urls: ['github.com'] };
    for (const [body, field] of [
      [{ secret_type: 'certificate', name: 'cert', payload: 'x', ...where }, 'secret_type'],
      [{ secret_type: 'username_password', name: 'no-password', username: 'u', ...where }, 'password'],
      [{ secret_type: 'arbitrary', name: 'a', payload: 'x', ...where }, 'name'],
      [{ secret_type: 'arbitrary', name: 'both', payload: 'x', password: 'y', ...where }, 'payload'],
      [{ secret_type: 'arbitrary', name: 'nowhere', payload: 'x' }, 'allowed_urls'],
      [{ secret_type: 'arbitrary', name: 'plain-http', payload: 'x', allowed_urls: ['http://github.com/my-org/'] }, 'allowed_urls'],
      [{ secret_type: 'arbitrary', name: 'not-a-list', payload: 'x', allowed_urls: 'github.com' }, 'allowed_urls'],
    ] as const) {
      const bad = await call(strict, 'POST', secrets(), { token: strictToken, body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(errorsOf(bad)[0].target, JSON.stringify(body)).toMatchObject({ name: field });
    }
    const duplicate = await call(strict, 'POST', secrets(), {
      token: strictToken,
      body: { secret_type: 'arbitrary', name: 'ci-token', payload: 'other', ...where },
    });
    expect(duplicate.status).toBe(409);

    // Another project's secret is invisible, and naming it in a taxonomy is the taxonomy's mistake.
    const otherUser = await strict.api.newUser('oscar');
    await strict.api.newProject(otherUser, 'other');
    expect((await call(strict, 'GET', `/api/v2/secrets/${id}`, { token: otherUser })).status).toBe(404);
    const path = await taxonomyTarball(knowledgeQna('https://example.invalid/docs.git', first, ['*.md']), 'foreign-secret');
    const foreign = await call(strict, 'POST', '/v1/taxonomies', {
      token: otherUser,
      body: { name: 'foreign', taxonomy_path_cos: path, secrets_manager_config: { url: strict.url, git_id: id } },
    });
    expect(foreign.status).toBe(400);
    expect(errorsOf(foreign)[0]).toMatchObject({ target: { name: 'secrets_manager_config.git_id' } });

    expect((await call(strict, 'DELETE', `/api/v2/secrets/${id}`, { token: strictToken })).status).toBe(204);
    expect((await call(strict, 'GET', `/api/v2/secrets/${id}`, { token: strictToken })).status).toBe(404);
  });

  it('never shows a secret value in a response or in any service log', async () => {
    const bodies = responses.map((r) => JSON.stringify(r.body)).join('\n');
    const logs = [open, strict]
      .flatMap((p) => {
        const dir = join(p.options.dataDir, 'logs');
        return readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
      })
      .join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const value of [HTTP_PASSWORD, WRONG_PASSWORD, TOKEN_PAYLOAD]) {
      expect(bodies).not.toContain(value);
      expect(logs).not.toContain(value);
    }
  });
});
