import { createServer, type IncomingMessage, type Server } from 'node:http';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Io } from './output';
import { run } from './run';

/**
 * A stand-in gateway answering the routes `model serve`, `model chat` and `deployment …` call, in the seed's shapes,
 * recording each request, so the verbs' requests, waiting, output and exit codes are checked without a platform
 * (apps/platform-e2e/src/deployment.e2e.spec.ts runs them against the real one).
 */
const PROJECT = '11111111-1111-4111-8111-111111111111';
const JOB = '22222222-2222-4222-8222-222222222222';
const ASSET = '33333333-3333-4333-8333-333333333333';
const DEP = '44444444-4444-4444-8444-444444444444';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}
let seen: Seen[] = [];
let polls = 0;
let finalState = 'ready';
let server: Server;
let url: string;

const deployment = (state: string) => ({
  metadata: { id: DEP, name: 'flow-model', project_id: PROJECT, created_at: '2026-01-01T00:00:00Z' },
  entity: {
    asset: { id: ASSET },
    online: { parameters: { serving_name: 'my_model' } },
    hardware_spec: { id: 'PLATFORM-CPU', num_nodes: 1 },
    deployed_asset_type: 'fine_tune',
    status: {
      state,
      ...(state === 'failed' ? { message: { level: 'error', text: 'replica exited: bad weights' } } : {}),
      inference: [
        { url: `http://gw/ml/v1/deployments/${DEP}/text/generation` },
        { url: 'http://gw/ml/v1/deployments/my_model/text/generation', uses_serving_name: true },
        { url: `http://gw/ml/v1/deployments/${DEP}/text/generation_stream`, sse: true },
      ],
    },
  },
});

const envelope = (status: number, code: string, message: string, field?: string) => ({
  errors: [{ code, message, more_info: 'x', ...(field ? { target: { type: 'field', name: field } } : {}) }],
  trace: 'trace-1',
  status_code: status,
});

async function bodyOf(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const c of req) text += String(c);
  return text ? JSON.parse(text) : undefined;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const body = await bodyOf(req);
      seen.push({ method: req.method ?? '', path: u.pathname, query: u.searchParams, body });
      const json = (status: number, b: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(b));
      };
      const key = `${req.method} ${u.pathname}`;
      if (key === 'GET /v2/users/me') return json(200, { id: 'u', default_project_id: PROJECT });
      if (key === `GET /v1/projects/${PROJECT}/models/${JOB}`) return json(200, { id: JOB, name: 'flow-model', status: 'completed' });
      if (key === 'POST /ml/v4/models')
        return json(201, { metadata: { id: ASSET, project_id: PROJECT }, entity: { type: 'fine_tune_1.0' } });
      if (key === `DELETE /ml/v4/models/${ASSET}`) return json(204, '');
      if (key === 'POST /ml/v4/deployments') {
        const name = (body as { online?: { parameters?: { serving_name?: string } } }).online?.parameters?.serving_name;
        if (name === 'taken') return json(409, envelope(409, 'serving_name_taken', 'The serving name taken is in use.', 'serving_name'));
        return json(202, deployment('initializing'));
      }
      if (key === `GET /ml/v4/deployments/${DEP}`) return json(200, deployment(++polls < 3 ? 'initializing' : finalState));
      if (key === `DELETE /ml/v4/deployments/${DEP}`) {
        res.writeHead(204).end();
        return;
      }
      if (key === 'GET /ml/v4/deployments') {
        const start = u.searchParams.get('start');
        const page = (id: string, next?: string) => ({
          limit: 1,
          first: { href: 'http://gw/ml/v4/deployments' },
          resources: [{ ...deployment('ready'), metadata: { ...deployment('ready').metadata, id } }],
          ...(next ? { next: { href: `http://gw/ml/v4/deployments?limit=1&start=${next}` } } : {}),
        });
        return json(200, start ? page('second') : page('first', 'tok2'));
      }
      if (req.method === 'POST' && [DEP, 'my_model'].some((n) => u.pathname === `/ml/v1/deployments/${n}/text/chat_stream`)) {
        const n = (body as { messages: unknown[] }).messages.length;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const words = [`Answer`, ` ${n}`];
        words.forEach((w, i) =>
          res.write(
            `id: ${i + 1}\nevent: message\ndata: ${JSON.stringify({ choices: [{ index: 0, delta: { content: w }, finish_reason: null }] })}\n\n`,
          ),
        );
        res.end(`id: 3\nevent: message\ndata: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
        return;
      }
      json(404, envelope(404, 'not_found', `no route ${key}`));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
  polls = 0;
  finalState = 'ready';
});

function capture(input?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const stdin = new PassThrough();
  if (input !== undefined) stdin.end(input);
  const io: Io = {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    errIsTty: false,
    errStream: new PassThrough(),
    env: { ILAB_URL: url, ILAB_TOKEN: 't' },
    input: stdin,
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('ilab model serve', () => {
  it('creates the fine-tune asset from the job and a deployment in the default project, waits for ready, prints the URLs', async () => {
    const c = capture();
    const code = await run(['model', 'serve', '--model-id', JOB, '--serving-name', 'my_model', '--interval', '0.01'], c.io);
    expect(code, c.err()).toBe(0);
    const asset = seen.find((s) => s.method === 'POST' && s.path === '/ml/v4/models');
    expect(asset?.body).toMatchObject({ name: 'flow-model', project_id: PROJECT, type: 'fine_tune_1.0', training_id: JOB });
    expect(asset?.query.get('version')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const dep = seen.find((s) => s.method === 'POST' && s.path === '/ml/v4/deployments');
    expect(dep?.body).toEqual({
      name: 'flow-model',
      project_id: PROJECT,
      asset: { id: ASSET },
      online: { parameters: { serving_name: 'my_model' } },
      hardware_spec: { id: 'PLATFORM-CPU' },
    });
    expect(dep?.query.get('project_id')).toBe(PROJECT);
    // One progress line per state change, on stderr; the result on stdout.
    expect(c.err().match(/^deployment \S+ {2}(initializing|ready) {2}\d+s$/gm)).toHaveLength(2);
    expect(c.out()).toMatch(/^State\s+ready$/m);
    expect(c.out()).toMatch(/^Serving name\s+my_model$/m);
    expect(c.out()).toContain(`\nInference URLs\n  http://gw/ml/v1/deployments/${DEP}/text/generation\n`);
    expect(c.out()).toMatch(/generation_stream {3}\(SSE\)$/m);
  });

  it('--output json prints the ready deployment as the API sent it; a failed deployment exits 1 with its message', async () => {
    const ok = capture();
    expect(await run(['model', 'serve', '--model-id', JOB, '--interval', '0.01', '-o', 'json'], ok.io)).toBe(0);
    expect(JSON.parse(ok.out())).toEqual(deployment('ready'));
    expect(seen.find((s) => s.path === '/ml/v4/deployments')?.body).toMatchObject({ online: {} });
    finalState = 'failed';
    polls = 0;
    const bad = capture();
    expect(await run(['model', 'serve', '--model-id', JOB, '--interval', '0.01'], bad.io)).toBe(1);
    expect(bad.err()).toContain('failed: replica exited: bad weights');
    expect(bad.out()).toMatch(/^Failure\s+replica exited: bad weights$/m);
  });

  it('a taken serving name is the API error (exit 1) and the asset made for it is deleted', async () => {
    const c = capture();
    expect(await run(['model', 'serve', '--model-id', JOB, '--serving-name', 'taken'], c.io)).toBe(1);
    expect(c.err()).toContain('Error: The serving name taken is in use. (serving_name_taken, field serving_name)');
    expect(seen.some((s) => s.method === 'DELETE' && s.path === `/ml/v4/models/${ASSET}`)).toBe(true);
  });

  it.each([[['--serving-name', 'Bad-Name']], [['--serving-name', 'x'.repeat(37)]], [['--timeout', '0']]])(
    'refuses %j before calling the API (exit 2)',
    async (extra) => {
      const c = capture();
      expect(await run(['model', 'serve', '--model-id', JOB, ...extra], c.io)).toBe(2);
      expect(seen).toEqual([]);
    },
  );
});

describe('ilab model chat', () => {
  it('-q streams the answer of the deployment named by serving name to stdout', async () => {
    const c = capture();
    expect(await run(['model', 'chat', '--deployment', 'my_model', '-q', 'Hi there', '--max-tokens', '8'], c.io)).toBe(0);
    expect(c.out()).toBe('Answer 1\n');
    const call = seen.find((s) => s.path === '/ml/v1/deployments/my_model/text/chat_stream');
    expect(call?.body).toEqual({ messages: [{ role: 'user', content: 'Hi there' }], max_tokens: 8 });
  });

  it('without -q reads one question a line, sending the conversation so far with each; /exit ends', async () => {
    const c = capture('first\n\nsecond\n/exit\nnever\n');
    expect(await run(['model', 'chat', '--deployment', DEP], c.io)).toBe(0);
    expect(c.out()).toBe('Answer 1\nAnswer 3\n');
    const calls = seen.filter((s) => s.path.endsWith('/text/chat_stream'));
    expect(calls).toHaveLength(2);
    expect((calls[1].body as { messages: unknown[] }).messages).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'Answer 1' },
      { role: 'user', content: 'second' },
    ]);
  });

  it('an unknown deployment is the API error, exit 1', async () => {
    const c = capture();
    seen = [];
    const code = await run(['model', 'chat', '--deployment', 'nope', '-q', 'x'], c.io);
    expect(code).toBe(1);
    expect(c.err()).toMatch(/^Error: no route POST \/ml\/v1\/deployments\/nope\/text\/chat_stream \(not_found\)$/m);
  });
});

describe('ilab deployment', () => {
  it('list follows next.href to the last page; get and delete', async () => {
    const c = capture();
    expect(await run(['deployment', 'list', '--state', 'ready', '-o', 'json'], c.io)).toBe(0);
    const listed = JSON.parse(c.out()) as { resources: { metadata: { id: string } }[]; next?: unknown };
    expect(listed.resources.map((r) => r.metadata.id)).toEqual(['first', 'second']);
    expect(listed.next).toBeUndefined();
    expect(seen.filter((s) => s.path === '/ml/v4/deployments').map((s) => [s.query.get('state'), s.query.get('start')])).toEqual([
      ['ready', null],
      ['ready', 'tok2'],
    ]);
    const table = capture();
    expect(await run(['deployment', 'list'], table.io)).toBe(0);
    expect(table.out()).toMatch(
      /^ID\s+NAME\s+SERVING NAME\s+STATE\s+TYPE\s+ASSET\s+CREATED\nfirst\s+flow-model\s+my_model\s+ready\s+fine_tune\s+3333/,
    );

    const got = capture();
    expect(await run(['deployment', 'get', '--id', DEP, '--project-id', PROJECT], got.io)).toBe(0);
    expect(got.out()).toMatch(/^ID\s+4444/m);
    expect(seen.some((s) => s.path === '/v2/users/me' && s.method === 'GET')).toBe(true);
    const del = capture();
    expect(await run(['deployment', 'delete', '--id', DEP], del.io)).toBe(0);
    expect(del.out()).toBe(`Deleted deployment ${DEP}.\n`);
  });
});
