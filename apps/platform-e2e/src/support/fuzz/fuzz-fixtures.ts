import { randomBytes } from 'node:crypto';
import { SKILL_QNA, tarGz } from '../tarballs';
import { uploadToTestBucket } from '../test-bucket';
import type { TestPlatform } from '../test-platform';

/** Real things made once through the API, so generated requests get past "not found" into the services. */
export interface FuzzFixtures {
  /** A regular user, admin of `project` and `space` (its creator). */
  ownerToken: string;
  /** A second member (viewer) of both: the member routes' {userName}. */
  member: string;
  project: string;
  space: string;
  taxonomy: string;
  taxonomyArchive: string;
  secret: string;
  apiKey: string;
  model: string;
}

export async function createFuzzFixtures(platform: TestPlatform, model: string): Promise<FuzzFixtures> {
  const { api } = platform;
  const ownerToken = await api.newUser('fuzz-owner');
  const member = 'fuzz-member';
  await api.newUser(member);
  const project = await api.newProject(ownerToken, 'fuzz');
  const space = (await api.request<{ metadata: { id: string } }>('POST', '/v2/spaces', { token: ownerToken, body: { name: 'fuzz' } })).body
    .metadata.id;
  for (const kind of ['projects', 'spaces']) {
    const id = kind === 'projects' ? project : space;
    const added = await api.request('POST', `/v2/${kind}/${id}/members`, {
      token: ownerToken,
      body: { members: [{ user_name: member, role: 'viewer' }] },
    });
    if (added.status >= 300) throw new Error(`adding ${member} to ${kind}: ${added.status}`);
  }
  const taxonomyArchive = await uploadToTestBucket(
    `taxonomies/fuzz-${randomBytes(4).toString('hex')}/taxonomy.tar.gz`,
    await tarGz([{ name: 'taxonomy/compositional_skills/writing/poetry/qna.yaml', content: SKILL_QNA }]),
  );
  const made = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await api.request('POST', path, { token: ownerToken, body });
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const taxonomy = (await made(`/v1/projects/${project}/taxonomies`, { name: 'fuzztax', taxonomy_path_cos: taxonomyArchive })).id as string;
  const secret = (
    await made(`/api/v2/secrets?project_id=${project}`, {
      secret_type: 'arbitrary',
      name: 'fuzz-secret',
      payload: 'fuzz',
      allowed_urls: ['https://git.example.com/'],
    })
  ).id as string;
  const apiKey = (await made('/v2/api_keys', { name: 'fuzz' })).id as string;
  return { ownerToken, member, project, space, taxonomy, taxonomyArchive, secret, apiKey, model };
}
