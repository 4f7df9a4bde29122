import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One model the test server serves: what it answers is a pure function of the prompt, so tests can recompute it. */
export interface TestModel {
  id: string;
  /** Announced as `max_model_len` on /v1/models; unset, the client does not know the context length. */
  maxModelLen?: number;
  /** The text of choice `choice` for a prompt (chat: the messages' contents joined by newlines). */
  reply(prompt: string, choice: number): string;
}

/** One completion or chat request as the server answered it. */
export interface ServedCall {
  path: '/v1/completions' | '/v1/chat/completions';
  model: string;
  prompt: string;
  /** What each choice returned, after the `max_tokens` cut. */
  replies: string[];
}

/**
 * A real OpenAI-compatible HTTP server (the dialect of vLLM and the engine server) for tests that need a model
 * whose answers are known in advance: a judge that rates in a fixed format, for instance. It speaks
 * `/v1/models`, `/v1/chat/completions` and `/v1/completions` (JSON or SSE with usage), vLLM's `/tokenize` and
 * `/health`; tokens are whitespace-separated words, and `max_tokens` cuts a reply as a real server would.
 */
export interface OpenAiTestServer {
  url: string;
  /** Every completion and chat request, in the order they were answered. */
  calls: ServedCall[];
  close(): Promise<void>;
}

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

interface Answer {
  model: TestModel;
  prompt: string;
  choices: { text: string; finish: 'stop' | 'length' }[];
  promptTokens: number;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TypeError('the body must be a JSON object');
  return parsed as Record<string, unknown>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, message: string): void {
  json(res, status, { object: 'error', message, type: 'BadRequestError', code: status });
}

function sse(res: ServerResponse, events: unknown[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events) res.write(`data: ${JSON.stringify(e)}\n\n`);
  res.end('data: [DONE]\n\n');
}

function answer(model: TestModel, prompt: string, body: Record<string, unknown>): Answer {
  const n = typeof body.n === 'number' && body.n > 0 ? body.n : 1;
  const max = typeof body.max_tokens === 'number' && body.max_tokens > 0 ? body.max_tokens : Infinity;
  const choices = Array.from({ length: n }, (_, i) => {
    const full = model.reply(prompt, i);
    const cut = words(full).length > max;
    return { text: cut ? words(full).slice(0, max).join(' ') : full, finish: cut ? ('length' as const) : ('stop' as const) };
  });
  return { model, prompt, choices, promptTokens: words(prompt).length };
}

function usage(a: Answer) {
  const completion = a.choices.reduce((sum, c) => sum + words(c.text).length, 0);
  return { prompt_tokens: a.promptTokens, completion_tokens: completion, total_tokens: a.promptTokens + completion };
}

function chatResponse(res: ServerResponse, a: Answer, stream: boolean): void {
  const base = { id: `chatcmpl-${Date.now()}`, created: Math.floor(Date.now() / 1000), model: a.model.id };
  if (!stream) {
    json(res, 200, {
      ...base,
      object: 'chat.completion',
      choices: a.choices.map((c, index) => ({ index, message: { role: 'assistant', content: c.text }, finish_reason: c.finish })),
      usage: usage(a),
    });
    return;
  }
  const chunk = (choices: unknown[], extra: object = {}) => ({ ...base, object: 'chat.completion.chunk', choices, ...extra });
  sse(res, [
    ...a.choices.flatMap((c, index) => [
      chunk([{ index, delta: { role: 'assistant', content: c.text }, finish_reason: null }]),
      chunk([{ index, delta: {}, finish_reason: c.finish }]),
    ]),
    chunk([], { usage: usage(a) }),
  ]);
}

function completionResponse(res: ServerResponse, a: Answer, stream: boolean): void {
  const base = { id: `cmpl-${Date.now()}`, object: 'text_completion', created: Math.floor(Date.now() / 1000), model: a.model.id };
  if (!stream) {
    json(res, 200, {
      ...base,
      choices: a.choices.map((c, index) => ({ index, text: c.text, logprobs: null, finish_reason: c.finish, stop_reason: null })),
      usage: usage(a),
    });
    return;
  }
  sse(res, [
    ...a.choices.flatMap((c, index) => [
      { ...base, choices: [{ index, text: c.text, logprobs: null, finish_reason: null, stop_reason: null }] },
      { ...base, choices: [{ index, text: '', logprobs: null, finish_reason: c.finish, stop_reason: null }] },
    ]),
    { ...base, choices: [], usage: usage(a) },
  ]);
}

function tokenized(text: string) {
  const strs = words(text);
  return { count: strs.length, max_model_len: null, tokens: strs.map((_, i) => i), token_strs: strs };
}

export async function startOpenAiTestServer(models: readonly TestModel[]): Promise<OpenAiTestServer> {
  const byId = new Map(models.map((m) => [m.id, m]));
  const calls: ServedCall[] = [];
  const modelOf = (body: Record<string, unknown>): TestModel | undefined => byId.get(String(body.model ?? ''));

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    void (async () => {
      if (req.method === 'GET' && path === '/health') return void res.writeHead(200).end();
      if (req.method === 'GET' && path === '/v1/models')
        return json(res, 200, {
          object: 'list',
          data: models.map((m) => ({
            id: m.id,
            object: 'model',
            owned_by: 'test',
            ...(m.maxModelLen ? { max_model_len: m.maxModelLen } : {}),
          })),
        });
      if (req.method !== 'POST') return error(res, 404, `no route ${req.method} ${path}`);
      const body = await readBody(req);
      const model = modelOf(body);
      if (!model) return error(res, 404, `The model \`${String(body.model)}\` does not exist.`);
      if (path === '/tokenize') {
        if (Array.isArray(body.prompt)) return json(res, 200, { results: body.prompt.map((p) => tokenized(String(p))) });
        return json(res, 200, tokenized(String(body.prompt ?? '')));
      }
      if (path === '/v1/chat/completions') {
        if (!Array.isArray(body.messages)) return error(res, 400, 'messages is required');
        const prompt = (body.messages as { content?: unknown }[]).map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
        const a = answer(model, prompt, body);
        calls.push({ path, model: model.id, prompt, replies: a.choices.map((c) => c.text) });
        return chatResponse(res, a, body.stream === true);
      }
      if (path === '/v1/completions') {
        if (typeof body.prompt !== 'string') return error(res, 400, 'prompt must be one string');
        if (body.echo) return error(res, 400, 'echo is not supported by this test server');
        const a = answer(model, body.prompt, body);
        calls.push({ path, model: model.id, prompt: body.prompt, replies: a.choices.map((c) => c.text) });
        return completionResponse(res, a, body.stream === true);
      }
      error(res, 404, `no route POST ${path}`);
    })().catch((err: unknown) => {
      if (!res.headersSent) error(res, 400, (err as Error).message);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
