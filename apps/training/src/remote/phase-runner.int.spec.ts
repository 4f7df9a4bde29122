import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3ObjectStore } from '@platform/object-store';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { writeTinyModel } from '@platform/engine/internals';
import { testRecords, toJsonl } from '../testing/records';
import { uploadDir } from '../artifacts/object-dirs';
import { runPhase } from './phase-runner';

const root = mkdtempSync(join(tmpdir(), 'phase-runner-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('phase runner (the Kubernetes Job pod)', () => {
  it('trains from a checkpoint in the bucket and uploads every epoch with its trainer state, resuming after a retry', async () => {
    const s3 = inject('s3');
    const store = new S3ObjectStore({ ...s3, region: 'us-east-1' });
    const id = `pr-${randomBytes(4).toString('hex')}`;
    writeTinyModel(join(root, 'start'));
    await uploadDir(store, join(root, 'start'), `trained_models/${id}/artifacts/phase1/epoch-1/`);
    await store.put(`data/${id}/skills_train_msgs.jsonl`, Buffer.from(toJsonl(testRecords(1))));
    const env = {
      PLATFORM_PHASE_MODEL_ID: id,
      PLATFORM_PHASE: '2',
      PLATFORM_PHASE_DATA_KEY: `data/${id}/skills_train_msgs.jsonl`,
      PLATFORM_PHASE_MODEL_PREFIX: `trained_models/${id}/artifacts/phase1/epoch-1/`,
      PLATFORM_PHASE_OUTPUT_PREFIX: `trained_models/${id}/artifacts/phase2/`,
      PLATFORM_PHASE_EPOCHS: '2',
      PLATFORM_PHASE_LEARNING_RATE: '0.001',
      PLATFORM_PHASE_BATCH_SIZE: '4',
    };
    expect(await runPhase(env, store)).toBe(0);
    const keys: string[] = [];
    for await (const k of store.list(`trained_models/${id}/artifacts/phase2/`)) keys.push(k);
    expect(keys.sort()).toEqual(
      expect.arrayContaining([
        `trained_models/${id}/artifacts/phase2/epoch-1/model.safetensors`,
        `trained_models/${id}/artifacts/phase2/epoch-2/config.json`,
        `trained_models/${id}/artifacts/phase2/epoch-2/model.safetensors`,
        `trained_models/${id}/artifacts/phase2/trainer_state.json`,
      ]),
    );
    expect(JSON.parse((await store.getBuffer(`trained_models/${id}/artifacts/phase2/trainer_state.json`)).toString())).toMatchObject({
      epoch: 2,
      global_step: 4,
      total_steps: 4,
    });

    // A retried pod with more epochs continues after epoch 2 instead of starting over.
    expect(await runPhase({ ...env, PLATFORM_PHASE_EPOCHS: '3' }, store)).toBe(0);
    expect(JSON.parse((await store.getBuffer(`trained_models/${id}/artifacts/phase2/trainer_state.json`)).toString())).toMatchObject({
      epoch: 3,
      global_step: 6,
    });
  }, 90_000);
});
