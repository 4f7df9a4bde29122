import type { inferenceV1 } from '@platform/contracts';

/** The generation parameters every pattern uses (the seed's `generation.parameters`): greedy, so scores repeat. */
export function generationParameters(contextWindow: number): Record<string, unknown> {
  return { decoding_method: 'greedy', min_new_tokens: 1, max_new_tokens: Math.max(16, Math.min(200, Math.floor(contextWindow / 4))) };
}

/** The seed's generation parameters as the inference service's. */
export function textGenParameters(p: Record<string, unknown>): inferenceV1.TextGenParameters {
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  return {
    decodingMethod: typeof p.decoding_method === 'string' ? p.decoding_method : 'greedy',
    minNewTokens: num(p.min_new_tokens),
    maxNewTokens: num(p.max_new_tokens),
    temperature: num(p.temperature),
    topP: num(p.top_p),
    topK: num(p.top_k),
    randomSeed: num(p.random_seed),
    repetitionPenalty: num(p.repetition_penalty),
    stopSequences: Array.isArray(p.stop_sequences) ? p.stop_sequences.filter((s): s is string => typeof s === 'string') : [],
    timeLimit: 0,
    returnOptions: undefined,
  };
}
