import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyModel } from '@platform/engine/internals';

/**
 * A tiny random model directory in a fresh temp folder (removed by the returned cleanup). Sized so that a long
 * generation takes about a second on one thread: the fault tests must be able to kill a replica mid-stream.
 */
export const TINY_HIDDEN = 128;

export function tinyModelDir(): { dir: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'inference-model-'));
  const dir = join(root, 'tiny');
  writeTinyModel(dir, { maxPositionEmbeddings: 1024, hiddenSize: TINY_HIDDEN, layers: 6 });
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}
