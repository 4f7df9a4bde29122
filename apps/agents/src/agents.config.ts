import {
  ConfigError,
  defineConfig,
  intSetting,
  optionalSetting,
  stringSetting,
  type ConfigDefinition,
  type EnvSource,
} from '@platform/common';
import { loadVectorIndexSettings, type VectorIndexSettings } from '@platform/retrieval';

/**
 * Documents travel whole inside InsertDocuments and come back inside GetDocuments, and the service holds them while it
 * chunks and embeds them: one document stays far below the gRPC message limit (GRPC_MAX_MESSAGE_BYTES).
 */
export const MAX_DOCUMENT_BYTES_CEILING = 3 * 1024 * 1024;

const settings = defineConfig(
  'agents',
  {
    memoryBanks: {
      /** The model whose tokenizer chunks and whose embeddings index a bank's documents; unset: the served default model. */
      embeddingModel: optionalSetting('PLATFORM_AGENTS_EMBEDDING_MODEL'),
      /** Most tokens of one chunk (lowered to the embedding model's context length when that is shorter). */
      chunkTokens: intSetting('PLATFORM_AGENTS_CHUNK_TOKENS', { default: 200, min: 16, max: 8192 }),
      /** Tokens of whole sentences repeated from the end of one chunk at the start of the next. */
      chunkOverlapTokens: intSetting('PLATFORM_AGENTS_CHUNK_OVERLAP_TOKENS', { default: 32, min: 0, max: 4096 }),
      /** Chunks embedded in one Embed call (the inference service coalesces concurrent ones further). */
      embedBatch: intSetting('PLATFORM_AGENTS_EMBED_BATCH', { default: 32, min: 1, max: 1024 }),
      /** The largest document accepted (its bytes). */
      maxDocumentBytes: intSetting('PLATFORM_AGENTS_MAX_DOCUMENT_BYTES', {
        default: MAX_DOCUMENT_BYTES_CEILING,
        min: 1,
        max: MAX_DOCUMENT_BYTES_CEILING,
      }),
      /** Chunks of one document: a bound on the embedding work one document can ask for. */
      maxChunksPerDocument: intSetting('PLATFORM_AGENTS_MAX_CHUNKS_PER_DOCUMENT', { default: 20_000, min: 1 }),
      /** Documents of one request. */
      maxDocumentsPerRequest: intSetting('PLATFORM_AGENTS_MAX_DOCUMENTS_PER_REQUEST', { default: 100, min: 1 }),
      maxDocumentsPerBank: intSetting('PLATFORM_AGENTS_MAX_DOCUMENTS_PER_BANK', { default: 10_000, min: 1 }),
      maxBanksPerProject: intSetting('PLATFORM_AGENTS_MAX_BANKS_PER_PROJECT', { default: 1_000, min: 1 }),
      /** Wall-clock bound of turning one document into text (PDF and HTML parse in a worker thread ended at the limit). */
      extractionTimeoutMs: intSetting('PLATFORM_AGENTS_EXTRACTION_TIMEOUT_MS', { default: 30_000, min: 100 }),
      /** Where documents' bytes live in the platform bucket: `<prefix><project>/<bank>/<document>/<version>`. */
      documentsPrefix: stringSetting('PLATFORM_AGENTS_DOCUMENTS_PREFIX', { default: 'memory_banks/' }),
    },
    turns: {
      /** Model inference steps of one turn; a model still calling tools at the limit ends the turn with a step saying so. */
      maxSteps: intSetting('PLATFORM_AGENTS_MAX_STEPS', { default: 8, min: 1, max: 64 }),
      /** New tokens of one inference step (lowered to what the model's context leaves). */
      maxTokens: intSetting('PLATFORM_AGENTS_MAX_TOKENS', { default: 512, min: 1, max: 32_768 }),
    },
    sandbox: {
      /** bubblewrap and the Python 3 interpreter of code_interpreter (Debian's `bubblewrap` and `python3`). */
      bwrap: stringSetting('PLATFORM_AGENTS_BWRAP', { default: '/usr/bin/bwrap' }),
      python: stringSetting('PLATFORM_AGENTS_PYTHON', { default: '/usr/bin/python3' }),
      cpuSeconds: intSetting('PLATFORM_AGENTS_SANDBOX_CPU_SECONDS', { default: 10, min: 1, max: 600 }),
      memoryMb: intSetting('PLATFORM_AGENTS_SANDBOX_MEMORY_MB', { default: 512, min: 64, max: 65_536 }),
      processes: intSetting('PLATFORM_AGENTS_SANDBOX_PROCESSES', { default: 32, min: 1, max: 4096 }),
      wallMs: intSetting('PLATFORM_AGENTS_SANDBOX_WALL_MS', { default: 15_000, min: 100, max: 600_000 }),
      outputBytes: intSetting('PLATFORM_AGENTS_SANDBOX_OUTPUT_BYTES', { default: 64 * 1024, min: 1024, max: 16 * 1024 * 1024 }),
    },
  },
  (values) => {
    const banks = values.memoryBanks;
    if (banks.chunkOverlapTokens >= banks.chunkTokens)
      throw new ConfigError('agents', [
        `PLATFORM_AGENTS_CHUNK_OVERLAP_TOKENS (${banks.chunkOverlapTokens}) must be less than PLATFORM_AGENTS_CHUNK_TOKENS (${banks.chunkTokens})`,
      ]);
    const prefix = banks.documentsPrefix.endsWith('/') ? banks.documentsPrefix : `${banks.documentsPrefix}/`;
    return { ...values, memoryBanks: { ...banks, documentsPrefix: prefix } };
  },
);

export type AgentsConfig = ReturnType<typeof settings.load> & {
  /** Where LanceDB keeps the vectors (`PLATFORM_VECTOR_INDEX_URI`, read by `@platform/retrieval`). */
  readonly vectorIndex: VectorIndexSettings;
};

/** The agents service's settings, read once at start-up. */
export const AgentsConfig: ConfigDefinition<AgentsConfig> = {
  name: settings.name,
  token: settings.token,
  load(env: EnvSource = process.env): AgentsConfig {
    const values = settings.load(env);
    let vectorIndex: VectorIndexSettings;
    try {
      vectorIndex = loadVectorIndexSettings(env);
    } catch (err) {
      throw new ConfigError('agents', [err instanceof Error ? err.message : String(err)]);
    }
    return Object.freeze({ ...values, vectorIndex });
  },
};
