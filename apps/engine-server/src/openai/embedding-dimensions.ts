import type { EngineLlamaConfig, ServedModel } from '@platform/engine';
import { InvalidRequest } from '../errors';

/**
 * OpenAI `dimensions` as vLLM applies it: only a matryoshka model (config.json `is_matryoshka` or
 * `matryoshka_dimensions`) may shorten its embeddings, to one of its listed sizes when it lists them; the vector is
 * cut to that many leading values and L2-normalised again. The messages are vLLM's.
 */
export function checkDimensions(model: ServedModel, dimensions: number | undefined): number | undefined {
  if (dimensions === undefined) return undefined;
  const config = model.config as EngineLlamaConfig;
  const listed = config.matryoshka_dimensions;
  if (!config.is_matryoshka && !listed)
    throw new InvalidRequest(
      `Model "${model.id}" does not support matryoshka representation, changing output dimensions will lead to poor results.`,
      'dimensions',
    );
  if (listed) {
    if (!listed.includes(dimensions))
      throw new InvalidRequest(
        `Model "${model.id}" only supports [${listed.join(', ')}] matryoshka dimensions, use other output dimensions will lead to poor results.`,
        'dimensions',
      );
  } else if (dimensions < 1) throw new InvalidRequest('Dimensions must be greater than 0', 'dimensions');
  if (dimensions > config.hidden_size)
    throw new InvalidRequest(
      `dimensions must be at most ${config.hidden_size}, the model's embedding size, got ${dimensions}.`,
      'dimensions',
    );
  return dimensions;
}

/** The first `dimensions` values of a vector, scaled back to unit length. */
export function shorten(vector: number[], dimensions: number): number[] {
  const head = vector.slice(0, dimensions);
  const norm = Math.sqrt(head.reduce((s, v) => s + v * v, 0));
  // vLLM's normalize clamps the norm at 1e-12, so an all-zero prefix stays zero rather than NaN.
  const scale = 1 / Math.max(norm, 1e-12);
  return head.map((v) => v * scale);
}
