import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayUnderTest, type GatewayUnderTest } from '../testing/gateway-under-test';

let gw: GatewayUnderTest;
let token: string;
beforeAll(async () => {
  gw = await startGatewayUnderTest();
  token = await gw.adminToken();
});
afterAll(async () => gw?.stop());

interface Answer {
  status: number;
  body: Record<string, unknown> & { errors?: { message: string; target?: { name: string } }[] };
}

async function call(method: string, path: string, body: unknown, contentType = 'application/json'): Promise<Answer> {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const patch = (id: string, ops: unknown[]) => call('PATCH', `/v2/spaces/${id}`, ops, 'application/json-patch+json');
const fieldOf = (a: Answer) => a.body.errors?.[0]?.target?.name;

async function newSpace(body: Record<string, unknown> = {}): Promise<string> {
  const created = await call('POST', '/v2/spaces', { name: 'limits', ...body });
  expect(created.status).toBe(201);
  return (created.body.metadata as { id: string }).id;
}

describe('PATCH /v2/spaces/{id} applies the create-time field rules', () => {
  it.each([
    ['a 1,000-character name', [{ op: 'replace', path: '/name', value: 'n'.repeat(1000) }], 'name'],
    ['a blank name', [{ op: 'replace', path: '/name', value: '   ' }], 'name'],
    ['a null name', [{ op: 'replace', path: '/name', value: null }], 'name'],
    // Past the input policy's 1,000 items the body is refused before the rules run, naming where in the patch.
    ['5,000 tags', [{ op: 'add', path: '/tags', value: Array.from({ length: 5000 }, (_, i) => `t${i}`) }], '0.value'],
    ['51 tags', [{ op: 'add', path: '/tags', value: Array.from({ length: 51 }, (_, i) => `t${i}`) }], 'tags'],
    ['a tag over 100 characters', [{ op: 'replace', path: '/tags', value: ['ok', 't'.repeat(101)] }], 'tags'],
    ['a tag that is no string', [{ op: 'replace', path: '/tags', value: ['ok', 5] }], 'tags'],
    ['a 1,001-character description', [{ op: 'replace', path: '/description', value: 'd'.repeat(1001) }], 'description'],
  ])('refuses %s with 400 naming the field, and changes nothing', async (_what, ops, field) => {
    const id = await newSpace({ tags: ['before'] });
    const answer = await patch(id, ops);
    expect(answer.status).toBe(400);
    expect(fieldOf(answer)).toBe(field);
    const after = await call('GET', `/v2/spaces/${id}`, undefined);
    expect(after.body.entity).toMatchObject({ name: 'limits', tags: ['before'] });
  });

  it('refuses a 1 MB tag by the size of the body and a 100 KB one by the string limit, before any rule runs', async () => {
    const id = await newSpace();
    expect((await patch(id, [{ op: 'replace', path: '/tags', value: ['t'.repeat(1024 * 1024)] }])).status).toBe(413);
    const answer = await patch(id, [{ op: 'replace', path: '/tags', value: ['t'.repeat(100 * 1024)] }]);
    expect(answer.status).toBe(400);
    expect(fieldOf(answer)).toBe('0.value.0');
  });

  it('accepts values within the rules', async () => {
    const id = await newSpace();
    const answer = await patch(id, [
      { op: 'replace', path: '/name', value: 'n'.repeat(100) },
      { op: 'add', path: '/tags', value: Array.from({ length: 50 }, (_, i) => `t${i}`) },
      { op: 'replace', path: '/description', value: 'd'.repeat(1000) },
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body.entity).toMatchObject({ name: 'n'.repeat(100), description: 'd'.repeat(1000) });
  });
});

describe('storage and the other free-form objects of projects and spaces', () => {
  it('keep the known storage fields and drop the rest', async () => {
    const storage = {
      type: 'bmcos_object_storage',
      guid: 'g-1',
      resource_crn: 'crn:v1:bluemix:public:cloud-object-storage:global:a/1::',
      delegated: false,
      junk: 'x',
    };
    const project = await call('POST', '/v2/projects', { name: 'stored', storage });
    expect(project.status).toBe(201);
    const { junk: _dropped, ...kept } = storage;
    expect((project.body.entity as { storage: unknown }).storage).toEqual(kept);
  });

  it.each([
    ['/v2/projects', 'storage', { guid: 'g', ...Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`k${i}`, 'v'.repeat(500)])) }],
    ['/v2/projects', 'storage', { guid: 'g', deep: { a: { b: { c: { d: {} } } } } }],
    ['/v2/spaces', 'storage', { resource_crn: 'crn', extra: 'x'.repeat(8000) }],
    ['/v2/spaces', 'settings', { folders: { enabled: true }, junk: 'x'.repeat(8000) }],
    ['/v2/spaces', 'stage', { production: false, name: 'x'.repeat(8000) }],
    ['/v2/spaces', 'compute', Array.from({ length: 50 }, (_, i) => ({ name: `c${i}`, crn: 'crn' }))],
  ])('%s refuses an oversized or deep %s with 400 naming it', async (path, field, value) => {
    const answer = await call('POST', path, { name: 'bounded', [field]: value });
    expect(answer.status).toBe(400);
    expect(fieldOf(answer)).toBe(field);
  });

  it('refuse a 9 MB storage object by the size of the body', async () => {
    const storage = { guid: 'g', blob: 'x'.repeat(9 * 1024 * 1024) };
    const res = await fetch(`${gw.url}/v2/projects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'huge', storage }),
    }).catch((e: unknown) => e);
    // The gateway answers from Content-Length; a client may see the connection close before it reads the answer.
    if (res instanceof Response) expect(res.status).toBe(413);
    else expect(String(res)).toMatch(/fetch failed|EPIPE|ECONNRESET/);
  });
});
