import type { inferenceV1 } from '@platform/contracts';

const GENERATES = new Set(['text_chat', 'text_generation']);

/**
 * The platform's served default model: the catalog's first model that generates text (else its first model). SDG's
 * teacher and the Llama Stack draft's model names both fall back to it, so they agree on one model.
 */
export function servedDefaultModel(models: readonly inferenceV1.ModelInfo[]): string | undefined {
  return (models.find((m) => m.functions.some((f) => GENERATES.has(f))) ?? models[0])?.modelId;
}
