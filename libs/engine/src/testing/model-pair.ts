import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServedModel } from '../served-model';
import { writeRandomModel } from './random-model';
import { writeTinyModel } from './tiny-model';

type Served = Awaited<ReturnType<typeof createServedModel>>;

export interface ModelPair {
  /** Byte-level vocabulary: token id = byte value, EOS 256, specials 256..260. */
  bytes: Served;
  /** SentencePiece: ▁ words, <0x..> byte fallback, merges (300 tokens). */
  sentencepiece: Served;
  /** The byte-level model's directory, to serve it again with other options. */
  bytesDir: string;
  close(): Promise<void>;
}

/** The two tiny vocabularies the structured-output specs run on, served from a fresh temp folder. */
export async function servedModelPair(o: { maxPositionEmbeddings?: number; seed?: number } = {}): Promise<ModelPair> {
  const root = mkdtempSync(join(tmpdir(), 'engine-pair-'));
  writeTinyModel(join(root, 'bytes'), o.maxPositionEmbeddings === undefined ? {} : { maxPositionEmbeddings: o.maxPositionEmbeddings });
  writeRandomModel(join(root, 'sp'), { vocab: 300, hidden: 32, layers: 1, heads: 4, kvHeads: 2, seed: o.seed ?? 3 });
  const bytes = await createServedModel(join(root, 'bytes'), { threads: 1 });
  const sentencepiece = await createServedModel(join(root, 'sp'), { threads: 1 });
  return {
    bytes,
    sentencepiece,
    bytesDir: join(root, 'bytes'),
    close: async () => {
      await bytes.close();
      await sentencepiece.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
