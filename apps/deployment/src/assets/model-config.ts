/** What a Hugging Face `config.json` tells about a model: its architecture, family and context length. */
export interface ModelConfigSpecs {
  architecture: string;
  modelType: string;
  /** 0 when the config names no context length. */
  maxSequenceLength: number;
}

/** A config.json larger than this is not a model configuration (real ones are a few kilobytes). */
export const MAX_CONFIG_BYTES = 1 << 20;

/** The context length under the names model families use for it, first found wins. */
const CONTEXT_KEYS = ['max_position_embeddings', 'n_positions', 'max_seq_len', 'max_sequence_length', 'seq_length', 'n_ctx'];
const INT32_MAX = 2 ** 31 - 1;

/** Reads the specs from the text of a config.json; throws an Error saying what is wrong when it is not one. */
export function readModelConfig(text: string): ModelConfigSpecs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('config.json is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('config.json is not a JSON object');
  const c = parsed as Record<string, unknown>;
  // Multimodal configs keep the language model's settings in text_config.
  const textConfig = typeof c.text_config === 'object' && c.text_config !== null ? (c.text_config as Record<string, unknown>) : {};
  const architectures = Array.isArray(c.architectures) ? c.architectures : [];
  const context = [c, textConfig]
    .flatMap((o) => CONTEXT_KEYS.map((k) => o[k]))
    .find((v): v is number => Number.isSafeInteger(v) && (v as number) > 0);
  return {
    architecture: typeof architectures[0] === 'string' ? architectures[0] : '',
    modelType: typeof c.model_type === 'string' ? c.model_type : '',
    maxSequenceLength: context === undefined ? 0 : Math.min(context, INT32_MAX),
  };
}
