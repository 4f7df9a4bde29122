import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeOf } from './support/api';
import { storedEvents } from './support/events';
import { KNOWLEDGE_QNA, SKILL_QNA, tarGz } from './support/tarballs';
import { uploadToTestBucket } from './support/test-bucket';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

let platform: TestPlatform;
let token: string;
let project: string;
const run = randomBytes(4).toString('hex');

const upload = uploadToTestBucket;

interface EnvelopeBody {
  errors: { code: string; message: string; more_info: string; target?: { type: string; name: string } }[];
  status_code: number;
}

const create = (body: Record<string, unknown>) =>
  platform.api.request<Record<string, unknown>>('POST', `/v1/projects/${project}/taxonomies`, { token, body });
const list = async () =>
  (await platform.api.request<{ taxonomies: { name: string }[] }>('GET', `/v1/projects/${project}/taxonomies`, { token })).body.taxonomies;
const lineOf = (text: string, line: string) => text.split('\n').indexOf(line) + 1;

beforeAll(async () => {
  // A reading time limit low enough for the slow leaf below to reach, far above what the other uploads need.
  platform = await startTestPlatform({ env: { PLATFORM_TAXONOMY_READ_TIME_LIMIT_MS: '2000' } });
  token = await platform.api.newUser('vera');
  project = await platform.api.newProject(token, 'validation');
});
afterAll(async () => platform?.stop());

describe('taxonomy validation through the gateway', () => {
  it('refuses a taxonomy with two invalid leaves in one 400 that names every file, line and problem, writing nothing', async () => {
    const moon = KNOWLEDGE_QNA.replace('domain: astronomy', 'domain: ""');
    const limericks = `${SKILL_QNA.replace('created_by: e2e', 'createdby: e2e')}\n`;
    const path = await upload(
      `taxonomies/e2e-${run}/two-invalid.tar.gz`,
      await tarGz([
        { name: 'taxonomy/knowledge/science/astronomy/moon/qna.yaml', content: moon },
        { name: 'taxonomy/compositional_skills/writing/limericks/qna.yaml', content: limericks },
        { name: 'taxonomy/compositional_skills/writing/poetry/qna.yaml', content: SKILL_QNA },
      ]),
    );
    const before = await list();

    const res = await create({ name: 'two-invalid', taxonomy_path_cos: path });
    expect(res.status).toBe(400);
    envelopeOf(res); // the IBM envelope shape, trace header included
    const body = res.body as unknown as EnvelopeBody;
    const skill = 'compositional_skills/writing/limericks/qna.yaml';
    const knowledge = 'knowledge/science/astronomy/moon/qna.yaml';
    expect(body.errors.map(({ code, message, target }) => ({ code, message, target }))).toEqual([
      {
        code: 'invalid_taxonomy',
        message: `${skill}:1: the file is missing the required key "created_by"`,
        target: { type: 'field', name: skill },
      },
      {
        code: 'invalid_taxonomy',
        message: `${skill}:${lineOf(limericks, 'createdby: e2e')}: unknown key "createdby" (did you mean "created_by"?)`,
        target: { type: 'field', name: skill },
      },
      {
        code: 'invalid_taxonomy',
        message: `${skill}:${limericks.split('\n').length - 1}: blank line at the end of the file (empty-lines)`,
        target: { type: 'field', name: skill },
      },
      {
        code: 'invalid_taxonomy',
        message: `${knowledge}:${lineOf(moon, 'domain: ""')}: domain must not be empty`,
        target: { type: 'field', name: knowledge },
      },
    ]);

    expect(await list()).toEqual(before);
    const created = await storedEvents(platform.events, 'taxonomy.created');
    expect(created.filter((e) => e.data.projectId === project)).toEqual([]);
  });

  it('lists the first 100 problems of a very broken taxonomy and how many more there were', async () => {
    const noisy = KNOWLEDGE_QNA.split('\n')
      .map((l) => (l ? `${l} ` : l))
      .join('\n');
    const perFile = KNOWLEDGE_QNA.split('\n').filter(Boolean).length;
    const leaves = ['sun', 'moon', 'mars'].map((n) => ({
      name: `taxonomy/knowledge/science/astronomy/a-rather-long-folder-name/${n}/qna.yaml`,
      content: noisy,
    }));
    const path = await upload(`taxonomies/e2e-${run}/very-broken.tar.gz`, await tarGz(leaves));

    const res = await create({ name: 'very-broken', taxonomy_path_cos: path });
    expect(res.status).toBe(400);
    const { errors } = res.body as unknown as EnvelopeBody;
    expect(errors).toHaveLength(101);
    expect(errors[0].message).toBe(
      'knowledge/science/astronomy/a-rather-long-folder-name/mars/qna.yaml:1: trailing whitespace at the end of the line (trailing-spaces)',
    );
    expect(errors[100].message).toBe(`…and ${3 * perFile - 100} more problems not listed.`);
    expect(await list()).toEqual([]);
  });

  it('tells the author of an archive with only misnamed leaves to rename them', async () => {
    const path = await upload(
      `taxonomies/e2e-${run}/misnamed.tar.gz`,
      await tarGz([{ name: 'knowledge/science/sun/qna.yml', content: KNOWLEDGE_QNA }]),
    );
    const res = await create({ name: 'misnamed', taxonomy_path_cos: path });
    expect(res.status).toBe(400);
    expect(envelopeOf(res)).toMatchObject({
      code: 'invalid_taxonomy',
      message: 'knowledge/science/sun/qna.yml:1: InstructLab only reads files named "qna.yaml"; rename this file',
      target: { type: 'field', name: 'knowledge/science/sun/qna.yml' },
    });
  });

  it('refuses a qna.yaml above 1 MiB in a 400 naming it', async () => {
    const path = await upload(
      `taxonomies/e2e-${run}/big-leaf.tar.gz`,
      await tarGz([{ name: 'taxonomy/knowledge/science/big/qna.yaml', content: `${KNOWLEDGE_QNA}# ${'x'.repeat(1024 * 1024)}\n` }]),
    );
    const res = await create({ name: 'big-leaf', taxonomy_path_cos: path });
    expect(res.status).toBe(400);
    expect(envelopeOf(res)).toMatchObject({ target: { type: 'field', name: 'taxonomy_path_cos' } });
    expect(envelopeOf(res).message).toContain('"taxonomy/knowledge/science/big/qna.yaml"');
    expect(envelopeOf(res).message).toContain('above the 1048576-byte limit for files under knowledge/ and compositional_skills/');
  });

  it('stops reading a leaf at the time limit with a 400 naming it, serving other requests meanwhile', async () => {
    // A flow list of 300,000 tiny items: many seconds of YAML parsing and linting, which once blocked the event loop.
    const dense = `version: 2\ntask_description: x\ncreated_by: e2e\nseed_examples: [${'a,'.repeat(300_000)}a]\n`;
    const slow = 'compositional_skills/writing/dense/qna.yaml';
    const path = await upload(`taxonomies/e2e-${run}/slow-leaf.tar.gz`, await tarGz([{ name: slow, content: dense }]));
    const order: string[] = [];
    const creating = create({ name: 'slow-leaf', taxonomy_path_cos: path }).then((res) => (order.push('create'), res));
    await new Promise((resolve) => setTimeout(resolve, 500)); // the reading is under way
    await list().then(() => order.push('list'));
    const res = await creating;
    expect(order).toEqual(['list', 'create']);
    expect(res.status).toBe(400);
    expect(envelopeOf(res)).toMatchObject({
      code: 'invalid_taxonomy',
      message: `${slow}:1: reading the taxonomy's files took more than 2 s and stopped in this one; make it smaller or simpler`,
      target: { type: 'field', name: slow },
    });
  });

  it('accepts the valid fixtures the other suites use', async () => {
    const path = await upload(
      `taxonomies/e2e-${run}/valid.tar.gz`,
      await tarGz([
        { name: 'knowledge/science/astronomy/sun/qna.yaml', content: KNOWLEDGE_QNA },
        { name: 'compositional_skills/writing/poetry/qna.yaml', content: SKILL_QNA },
      ]),
    );
    const res = await create({ name: 'valid-after-refusals', taxonomy_path_cos: path });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await list()).map((t) => t.name)).toEqual(['valid-after-refusals']);
  });
});
