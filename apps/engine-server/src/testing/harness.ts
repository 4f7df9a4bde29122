import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServedModel, type ServedModelOptions, createServedModel } from '@platform/engine';
import { type EngineServer, type EngineServerOptions, buildEngineServer } from '../server';
import { type TinyModelOptions, writeTinyModel } from '@platform/engine/internals';

export interface TestServer {
  url: string;
  server: EngineServer;
  model: ServedModel;
  stop(): Promise<void>;
}

/** A real engine with a tiny random model behind a real server on a free port. */
export async function startTestServer(
  o: { id?: string; tiny?: TinyModelOptions; engine?: ServedModelOptions; server?: EngineServerOptions } = {},
): Promise<TestServer> {
  const root = mkdtempSync(join(tmpdir(), 'engine-server-'));
  const dir = join(root, 'tiny-llama');
  writeTinyModel(dir, { maxPositionEmbeddings: 2048, ...o.tiny });
  const model = await createServedModel(dir, { threads: 1, id: o.id ?? 'tiny-llama', ...o.engine });
  const server = buildEngineServer([model], o.server);
  const url = await server.listen(0);
  return {
    url,
    server,
    model,
    async stop() {
      await server.shutdown(1000);
      await model.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}

/** Reads an SSE body into its `data` payloads (TGI omits the space after the colon, vLLM writes it). */
export function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((e) => e.startsWith('data:'))
    .map((e) => e.slice(5).replace(/^ /, ''));
}

export async function scrape(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}
