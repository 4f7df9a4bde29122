import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyModel } from '@platform/engine/internals';
import { uploadToTestBucket } from './test-bucket';
import { E2E_TINY_MODEL } from './tiny-model-size';

/**
 * Puts a tiny random Hugging Face style model into the platform's model store (`custom_models/<modelId>/` of the
 * test bucket), as an operator copies a custom foundation model there; different seeds give different weights.
 */
export async function putStoreModel(modelId: string, seed: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'store-model-'));
  try {
    writeTinyModel(dir, { ...E2E_TINY_MODEL, seed });
    for (const file of readdirSync(dir)) await uploadToTestBucket(`custom_models/${modelId}/${file}`, readFileSync(join(dir, file)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
