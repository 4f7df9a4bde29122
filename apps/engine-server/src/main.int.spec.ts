import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@platform/infra';
import { scrapeMetric, waitFor } from '@platform/test-fixtures';
import { writeTinyModel } from '@platform/engine/internals';

const ROOT = resolve(__dirname, '../../..');

/** The real process: flags, pino JSON logs, several models on one port, drain on SIGTERM. */
describe('engine-server process', () => {
  let dir: string;
  let proc: ChildProcess;
  let url: string;
  const logs: Record<string, unknown>[] = [];
  let exited: Promise<number | null>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'engine-server-main-'));
    writeTinyModel(join(dir, 'tiny'), { maxPositionEmbeddings: 2048, hiddenSize: 64 });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    proc = spawn(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        'apps/engine-server/src/main.ts',
        '--model',
        `${join(dir, 'tiny')}:alpha`,
        '--model',
        `${join(dir, 'tiny')}:beta`,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, PLATFORM_ENGINE_PORT: String(port), PLATFORM_ENGINE_DRAIN_TIMEOUT_MS: '20000' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    exited = new Promise((r) => proc.once('exit', (code) => r(code)));
    const lines = createInterface({ input: proc.stdout! });
    await new Promise<void>((ready, fail) => {
      lines.on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'engine server listening') ready();
      });
      proc.once('exit', (code) => fail(new Error(`engine-server exited early with ${code}`)));
    });
  });

  afterAll(() => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs JSON and serves every --model under its served name', async () => {
    expect(logs.filter((l) => l.msg === 'model loaded').map((l) => l.model)).toEqual(['alpha', 'beta']);
    // The process turns relaxed SIMD on for itself (started here with no node flags): its matmuls fuse multiply-adds.
    expect(logs.filter((l) => l.msg === 'model loaded').map((l) => l.kernel)).toEqual(['wasm-simd-fused', 'wasm-simd-fused']);
    expect(logs.every((l) => typeof l.level === 'number' && typeof l.time === 'number')).toBe(true);
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['alpha', 'beta']);
    const res = await fetch(`${url}/v1/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'beta', prompt: 'hi', max_tokens: 2 }),
    });
    expect(((await res.json()) as { model: string }).model).toBe('beta');
  });

  it('finishes in-flight requests on SIGTERM, then exits 0', async () => {
    const inFlight = fetch(`${url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'alpha', prompt: 'drain me', max_tokens: 400, ignore_eos: true }),
    });
    // In flight means running at the engine: a signal sent before the request arrived would test nothing.
    await waitFor(async () => (await scrapeMetric(url, 'vllm:num_requests_running', { model_name: 'alpha' })) > 0, 30_000);
    proc.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(200);
    const body = (await res.json()) as { choices: { finish_reason: string }[]; usage: { completion_tokens: number } };
    expect(body.choices[0].finish_reason).toBe('length');
    expect(body.usage.completion_tokens).toBe(400);
    expect(await exited).toBe(0);
    expect(logs.some((l) => l.msg === 'shutting down: draining in-flight requests' && l.signal === 'SIGTERM')).toBe(true);
    expect(logs.some((l) => l.msg === 'engine server stopped')).toBe(true);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
