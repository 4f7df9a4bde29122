import { unary } from '@platform/common';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { inferenceV1 } from '@platform/contracts';
import type { ReplicaReady, ReplicaRemoved } from '@platform/events';
import type { ObjectStore } from '@platform/object-store';
import { downloadPrefix } from './download-model';
import { startEngineProcess, type EngineProcessOptions } from './engine-process';

export interface ReplicaAnnouncer {
  ready(r: ReplicaReady): Promise<void>;
  removed(r: ReplicaRemoved): Promise<void>;
}

export interface ServingDeps {
  store: ObjectStore;
  inference: inferenceV1.InferenceServiceClient;
  announcer: ReplicaAnnouncer;
  engine: EngineProcessOptions;
}

export interface ServedCheckpoint {
  /** The catalog id the inference service routes to this checkpoint. */
  modelId: string;
  stop(): Promise<void>;
}

async function waitRoutable(inference: inferenceV1.InferenceServiceClient, modelId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await unary(inference.listModels({}));
    if (res.models.some((m) => m.modelId === modelId && m.healthyReplicas > 0)) return;
    if (Date.now() > deadline) throw new Error(`the inference service did not route ${modelId} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Serves a checkpoint of the bucket for the length of an evaluation: downloads the HF directory, starts an engine
 * server on it under a unique name, announces the replica to the inference service (`deployment.replica.ready`) and
 * waits until it routes there. `stop()` withdraws it (`deployment.replica.removed`), stops the process and deletes
 * the download, whatever happened in between.
 */
export async function serveCheckpoint(deps: ServingDeps, objectPrefix: string, label: string): Promise<ServedCheckpoint> {
  const root = await mkdtemp(join(tmpdir(), 'evaluation-model-'));
  const suffix = randomUUID().slice(0, 8);
  const modelId = `evaluation/${label}-${suffix}`;
  const replicaId = `evaluation-${suffix}`;
  const cleanups: (() => Promise<void>)[] = [() => rm(root, { recursive: true, force: true })];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    const dir = join(root, 'model');
    const files = await downloadPrefix(deps.store, objectPrefix, dir);
    if (files === 0) throw new Error(`no checkpoint files under ${objectPrefix}`);
    const engine = await startEngineProcess(dir, modelId, deps.engine);
    cleanups.push(() => engine.stop());
    await deps.announcer.ready({ modelId, url: engine.url, adapter: 'openai', replicaId, deploymentId: `evaluation:${label}` });
    cleanups.push(() => deps.announcer.removed({ replicaId, modelId }));
    await waitRoutable(deps.inference, modelId, deps.engine.startTimeoutMs);
    return { modelId, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
