/**
 * A fake instant OpenAI-compatible (vLLM-style) model server, the "zero-latency backend" router benchmarks put behind a
 * proxy so that everything measured is the proxy's own cost. Plain node:http, its own process (so it can be pinned to
 * its own core):
 *
 *   node -r @swc-node/register tools/bench/inference/fake-backend.ts PORT MODEL:PACE_MS [MODEL:PACE_MS …]
 *
 * `/v1/completions` and `/v1/chat/completions` answer at once with a fixed body; with `stream: true` they stream
 * `max_tokens` tokens in OpenAI's chunk format, the first at once and each next one PACE_MS after it (scheduled from
 * the stream's start, so timer jitter does not add up). The inference service needs no more than what it asks of vLLM:
 * `GET /v1/models` (discovery), `/health` (probe) and `/metrics` (queue depth: the streams open now).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const TOKEN = ' tok';
const PROMPT_TOKENS = 4;
const MAX_BODY = 1 << 20;

interface Model {
  id: string;
  paceMs: number;
}

interface Request {
  model?: unknown;
  max_tokens?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown; continuous_usage_stats?: unknown } | null;
}

/** Streams open now, per model (what vLLM reports as running requests). */
const open = new Map<string, number>();
const count = (model: string, by: number) => open.set(model, (open.get(model) ?? 0) + by);

const usage = (completion: number) => ({
  prompt_tokens: PROMPT_TOKENS,
  completion_tokens: completion,
  total_tokens: PROMPT_TOKENS + completion,
});

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** One choice's chunk: a completion's `text` or a chat's `delta`, finishing with `length` on the last token. */
function chunkOf(chat: boolean, model: string, id: string, i: number, n: number, withUsage: boolean): object {
  const finish = i === n - 1 ? 'length' : null;
  const choice = chat
    ? { index: 0, delta: i === 0 ? { role: 'assistant', content: TOKEN } : { content: TOKEN }, logprobs: null, finish_reason: finish }
    : { index: 0, text: TOKEN, logprobs: null, finish_reason: finish, stop_reason: null };
  return {
    id,
    object: chat ? 'chat.completion.chunk' : 'text_completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [choice],
    ...(withUsage ? { usage: usage(i + 1) } : {}),
  };
}

function stream(res: ServerResponse, req: Request, chat: boolean, model: Model, n: number): void {
  const id = `${chat ? 'chatcmpl' : 'cmpl'}-bench${Date.now().toString(36)}`;
  const includeUsage = req.stream_options?.include_usage === true;
  const continuous = req.stream_options?.continuous_usage_stats === true;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  count(model.id, 1);
  const start = performance.now();
  let i = 0;
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  // Ends the stream's bookkeeping once, whether it completed or the caller went away (then no token is written).
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    count(model.id, -1);
  };
  res.once('close', finish);
  const next = () => {
    if (done) return;
    // Every token due by now goes out (a late timer sends the backlog, as a batch step would).
    while (i < n && performance.now() - start >= i * model.paceMs) {
      res.write(`data: ${JSON.stringify(chunkOf(chat, model.id, id, i, n, continuous))}\n\n`);
      i++;
    }
    if (i < n) {
      timer = setTimeout(next, Math.max(0, start + i * model.paceMs - performance.now()));
      return;
    }
    const object = chat ? 'chat.completion.chunk' : 'text_completion';
    const created = Math.floor(Date.now() / 1000);
    const tail = includeUsage ? `data: ${JSON.stringify({ id, object, created, model: model.id, choices: [], usage: usage(n) })}\n\n` : '';
    res.end(`${tail}data: [DONE]\n\n`);
    finish();
  };
  next();
}

function complete(res: ServerResponse, chat: boolean, model: Model, n: number): void {
  const text = TOKEN.repeat(n);
  const created = Math.floor(Date.now() / 1000);
  const choice = chat
    ? { index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: 'length' }
    : { index: 0, text, logprobs: null, finish_reason: 'length', stop_reason: null };
  send(
    res,
    200,
    JSON.stringify({
      id: `${chat ? 'chatcmpl' : 'cmpl'}-bench`,
      object: chat ? 'chat.completion' : 'text_completion',
      created,
      model: model.id,
      choices: [choice],
      usage: usage(n),
    }),
  );
}

function generate(res: ServerResponse, raw: string, chat: boolean, models: Map<string, Model>): void {
  let req: Request;
  try {
    req = JSON.parse(raw) as Request;
  } catch {
    return send(res, 400, JSON.stringify({ object: 'error', message: 'body is not JSON', type: 'BadRequestError', code: 400 }));
  }
  const model = typeof req.model === 'string' ? models.get(req.model) : undefined;
  if (!model)
    return send(
      res,
      404,
      JSON.stringify({ object: 'error', message: `model ${String(req.model)} not served`, type: 'NotFoundError', code: 404 }),
    );
  const n = typeof req.max_tokens === 'number' && req.max_tokens >= 1 ? Math.floor(req.max_tokens) : 16;
  if (req.stream === true) stream(res, req, chat, model, n);
  else complete(res, chat, model, n);
}

export function serveFakeBackend(port: number, models: Model[]): Promise<void> {
  const byId = new Map(models.map((m) => [m.id, m]));
  const list = JSON.stringify({
    object: 'list',
    data: models.map((m) => ({ id: m.id, object: 'model', owned_by: 'bench', created: 0, max_model_len: 4096 })),
  });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    if (req.method === 'GET') {
      if (path === '/health') return send(res, 200, '');
      if (path === '/v1/models') return send(res, 200, list);
      if (path === '/metrics') {
        const lines = models.map(
          (m) =>
            `vllm:num_requests_running{model_name="${m.id}"} ${open.get(m.id) ?? 0}\nvllm:num_requests_waiting{model_name="${m.id}"} 0`,
        );
        return send(res, 200, `${lines.join('\n')}\n`, 'text/plain; version=0.0.4');
      }
      return send(res, 404, '{"detail":"Not Found"}');
    }
    const chat = path === '/v1/chat/completions';
    if (req.method !== 'POST' || (!chat && path !== '/v1/completions')) return send(res, 404, '{"detail":"Not Found"}');
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= MAX_BODY) parts.push(b);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return send(res, 413, '{"detail":"body too large"}');
      generate(res, Buffer.concat(parts).toString('utf8'), chat, byId);
    });
  });
  // Thousands of held streams: no idle timeouts, a backlog that takes a burst of connects.
  server.keepAliveTimeout = 60_000;
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', 4096, () => resolve());
  });
}

if (require.main === module) {
  const [port, ...specs] = process.argv.slice(2);
  const models = specs.map((s) => {
    const at = s.lastIndexOf(':');
    return { id: s.slice(0, at), paceMs: Number(s.slice(at + 1)) };
  });
  if (!Number(port) || models.length === 0 || models.some((m) => !m.id || !Number.isFinite(m.paceMs))) {
    console.error('usage: fake-backend.ts PORT MODEL:PACE_MS [MODEL:PACE_MS …]');
    process.exit(2);
  }
  serveFakeBackend(Number(port), models).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
