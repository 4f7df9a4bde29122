import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type MatrixContext, type MatrixRow, type Outcome, type Role } from './support/authorization-policy';
import { AUTHORIZATION_TABLE } from './support/authorization-table';
import { errorShapeProblem } from './support/error-shapes';
import { routeTable } from './support/route-table';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

/**
 * Every gateway operation × {anonymous, non-member, viewer, editor, admin, platform admin}, each answered as the one
 * table (support/authorization-table.ts) says; a route without a row fails here, so none ships unreviewed.
 */
const MODEL = 'platform/tiny-llama';
const ABSENT_ID = '0b7c3f5e-2d4a-4e8b-9c1d-6f0a2b3c4d5e';

let platform: TestPlatform;
const tokens = {} as Record<Role, string | undefined>;
let ctx: MatrixContext;

/** A project or space the `admin` user owns, with the viewer, editor and bystander as members. */
async function containerWithRoles(kind: 'project' | 'space'): Promise<string> {
  const { api } = platform;
  const created = await api.request<{ metadata: { guid?: string; id?: string } }>('POST', `/v2/${kind}s`, {
    token: tokens.admin,
    body: { name: `matrix-${kind}` },
  });
  if (created.status !== 201) throw new Error(`creating a ${kind}: ${created.status} ${JSON.stringify(created.body)}`);
  const id = (created.body.metadata.guid ?? created.body.metadata.id) as string;
  const added = await api.request('POST', `/v2/${kind}s/${id}/members`, {
    token: tokens.admin,
    body: {
      members: [
        { user_name: 'matrix-viewer', role: 'viewer' },
        { user_name: 'matrix-editor', role: 'editor' },
        { user_name: ctx.bystander, role: 'viewer' },
      ],
    },
  });
  if (added.status !== 201 && added.status !== 200) throw new Error(`adding members to the ${kind}: ${added.status}`);
  return id;
}

beforeAll(async () => {
  // Info level: the gateway logs Nest's route table, which the completeness check reads.
  platform = await startTestPlatform({ engineModel: MODEL, env: { LOG_LEVEL: 'info' } });
  const { api } = platform;
  tokens.anonymous = undefined;
  tokens.platformAdmin = await api.adminToken();
  tokens.admin = await api.newUser('matrix-admin');
  tokens.editor = await api.newUser('matrix-editor');
  tokens.viewer = await api.newUser('matrix-viewer');
  tokens.nonMember = await api.newUser('matrix-outsider');
  await api.newUser('matrix-bystander');
  const key = await api.request<{ api_key: string }>('POST', '/v2/api_keys', { token: tokens.nonMember, body: { name: 'matrix' } });
  let n = 0;
  ctx = {
    project: '',
    space: '',
    absentId: ABSENT_ID,
    bystander: 'matrix-bystander',
    login: { username: 'matrix-outsider', password: 'matrix-outsider-password' },
    apiKey: key.body.api_key,
    model: MODEL,
    unique: (prefix) => `${prefix}-${++n}`,
  };
  ctx.project = await containerWithRoles('project');
  ctx.space = await containerWithRoles('space');
});
afterAll(async () => platform?.stop());

function paramValue(path: string, name: string, c: MatrixContext): string {
  if (name === 'project_id') return c.project;
  if (name === 'userName') return c.bystander;
  if (name === 'model_id') return c.model;
  if (name === 'id' && path.startsWith('/v2/projects/')) return c.project;
  if (name === 'id' && path.startsWith('/v2/spaces/')) return c.space;
  return c.absentId;
}

function outcomeOf(status: number): Outcome {
  return status === 401 || status === 403 ? status : 'allowed';
}

async function send(key: string, row: MatrixRow, role: Role): Promise<{ status: number; problem?: string }> {
  let c = ctx;
  if (row.fresh) c = { ...ctx, [row.fresh]: await containerWithRoles(row.fresh) };
  const [method, template] = key.split(' ');
  const req = row.request?.(c) ?? {};
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(req.params?.[name] ?? paramValue(template, name, c)),
  );
  const query = new URLSearchParams(req.query ?? {}).toString();
  const url = `${platform.url}${path}${query ? `?${query}` : ''}`;
  const headers: Record<string, string> = { ...req.headers };
  const token = tokens[role];
  if (token) headers.authorization = `Bearer ${token}`;
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  const expected = row.expect[role];
  const got = outcomeOf(res.status);
  if (got !== expected) return { status: res.status, problem: `expected ${expected}, got ${res.status} ${text.slice(0, 200)}` };
  if (res.status >= 500) return { status: res.status, problem: `allowed, but answered ${res.status} ${text.slice(0, 200)}` };
  if (res.status === 401 || res.status === 403) {
    const shape = errorShapeProblem(path, { status: res.status, headers: res.headers, text }, platform.url);
    if (shape) return { status: res.status, problem: `refused, but ${shape}` };
  }
  return { status: res.status };
}

describe('authorization matrix', () => {
  it('has a row for every operation of the route table, and no row for an operation that is gone', async () => {
    const routes = await routeTable(platform);
    const rows = Object.keys(AUTHORIZATION_TABLE);
    const withoutRow = routes.operations.filter((k) => !(k in AUTHORIZATION_TABLE));
    const withoutRoute = rows.filter((k) => !routes.operations.includes(k));
    console.log(`authorization matrix: ${routes.operations.length} operations in the route table, ${rows.length} rows`);
    expect({ withoutRow, withoutRoute }).toEqual({ withoutRow: [], withoutRoute: [] });
  });

  it('agrees with /openapi.json on which operations need a token', async () => {
    const routes = await routeTable(platform);
    const needsToken = (key: string) => AUTHORIZATION_TABLE[key]?.expect.anonymous === 401;
    expect({
      documentedWithTokenButPublic: routes.documentedWithToken.filter((k) => !needsToken(k)),
      documentedWithoutTokenButProtected: routes.documentedWithoutToken.filter(needsToken),
    }).toEqual({ documentedWithTokenButPublic: [], documentedWithoutTokenButProtected: [] });
  });

  it('answers every operation as each role exactly as its row says', async () => {
    const mismatches: string[] = [];
    let cases = 0;
    for (const [key, row] of Object.entries(AUTHORIZATION_TABLE)) {
      for (const role of ROLES) {
        cases += 1;
        const { problem } = await send(key, row, role);
        if (problem) mismatches.push(`${key} as ${role}: ${problem}`);
      }
    }
    console.log(
      `authorization matrix: ${Object.keys(AUTHORIZATION_TABLE).length} rows × ${ROLES.length} roles = ${cases} cases, ${mismatches.length} mismatches`,
    );
    expect(mismatches).toEqual([]);
  }, 300_000);
});
