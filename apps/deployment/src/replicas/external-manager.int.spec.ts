import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyModel } from '@platform/engine/internals';
import { freePort } from '@platform/infra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExternalReplicaManager } from './external-manager';
import { answersOk } from './http-probes';
import { launchEngine } from './process/engine-launch';
import { pidAlive, terminate } from './process/process-handle';
import { ReplicaStartError, type ReplicaSpec } from './replica-manager';
import { HARDWARE_SPECS } from '../deployments/hardware-specs';

const spec = (foundationModelId?: string): ReplicaSpec => ({
  replicaId: 'r1',
  deploymentId: 'd1',
  rev: 1,
  servedModelName: 'deployments/d1',
  modelPrefix: '',
  hardware: HARDWARE_SPECS[0],
  ...(foundationModelId ? { foundationModelId } : {}),
});

describe('external replicas: a running engine server an operator registered', () => {
  const root = mkdtempSync(join(tmpdir(), 'external-endpoint-'));
  let pid = 0;
  let url = '';

  beforeAll(async () => {
    const dir = join(root, 'model');
    writeTinyModel(dir);
    const { handle } = await launchEngine({
      replicaId: 'operator',
      modelDir: dir,
      servedModelName: 'acme-served',
      logFile: join(root, 'engine.log'),
      threads: 1,
      logLevel: 'warn',
    });
    pid = handle.pid;
    url = `http://127.0.0.1:${handle.port}`;
    const deadline = Date.now() + 90_000;
    while (!(await answersOk(url, '/health'))) {
      if (Date.now() > deadline || !pidAlive(pid)) throw new Error('the engine server did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);

  afterAll(async () => {
    if (pid) await terminate(pid, 5_000);
    rmSync(root, { recursive: true, force: true });
  });

  it('starts a deployment of the registered model on its endpoint, probes it, and never stops it', async () => {
    for (const adapter of ['openai', 'tgi'] as const) {
      const manager = new ExternalReplicaManager([{ modelId: 'acme/tiny', url, adapter, backendModel: 'acme-served' }], {
        startTimeoutMs: 10_000,
      });
      const replica = await manager.start(spec('acme/tiny'), new AbortController().signal);
      expect(replica).toMatchObject({ url, adapter, backendModel: 'acme-served' });
      expect(await manager.probe(replica, new AbortController().signal)).toBe('healthy');
      expect(await manager.inFlight(replica, new AbortController().signal)).toBe(0);
      expect(await manager.adopt(spec('acme/tiny'), replica)).toEqual(replica);
      await manager.stop();
      expect(pidAlive(pid)).toBe(true);
    }
  });

  it('refuses a deployment of a model no endpoint serves, and an endpoint that does not answer', async () => {
    const port = await freePort();
    const manager = new ExternalReplicaManager(
      [
        { modelId: 'acme/tiny', url, adapter: 'openai', backendModel: 'acme-served' },
        { modelId: 'acme/down', url: `http://127.0.0.1:${port}`, adapter: 'openai', backendModel: 'x' },
      ],
      { startTimeoutMs: 1_500 },
    );
    const signal = new AbortController().signal;
    await expect(manager.start(spec('acme/other'), signal)).rejects.toThrow(
      new ReplicaStartError('no external endpoint is registered for the custom foundation model acme/other'),
    );
    await expect(manager.start(spec(), signal)).rejects.toBeInstanceOf(ReplicaStartError);
    await expect(manager.start(spec('acme/down'), signal)).rejects.toThrow(/did not answer within 1500 ms/);
    const down = { url: `http://127.0.0.1:${port}`, adapter: 'openai' as const, backendModel: 'x', handle: {} };
    expect(await manager.probe(down, signal)).toBe('unhealthy');
  });
});
