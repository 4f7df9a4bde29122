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
  platform = await startTestPlatform();
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
