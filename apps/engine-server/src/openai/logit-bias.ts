import { InvalidRequest } from '../errors';
import type { Json } from '../http/body';

/** OpenAI's (and vLLM's) bound on a bias. */
const LIMIT = 100;

/**
 * `logit_bias`: token id (as a string) → bias added to that token's logit, clamped to [-100, 100] as vLLM does. Ids
 * outside the vocabulary are a 400 with vLLM's message; undefined when absent or empty.
 */
export function readLogitBias(body: Json, vocabSize: number): Map<number, number> | undefined {
  const raw = body.logit_bias;
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new InvalidRequest('logit_bias must be an object mapping token ids to biases', 'logit_bias');
  const bias = new Map<number, number>();
  const outside: number[] = [];
  for (const [key, value] of Object.entries(raw as Json)) {
    if (!/^-?\d{1,10}$/.test(key)) throw new InvalidRequest(`logit_bias keys must be token ids, got ${JSON.stringify(key)}`, 'logit_bias');
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new InvalidRequest(`logit_bias[${JSON.stringify(key)}] must be a number, got ${JSON.stringify(value)}`, 'logit_bias');
    const id = Number(key);
    if (id < 0 || id >= vocabSize) outside.push(id);
    bias.set(id, Math.min(LIMIT, Math.max(-LIMIT, value)));
  }
  if (outside.length > 0)
    throw new InvalidRequest(
      `token_id(s) [${outside.join(', ')}] in logit_bias contain out-of-vocab token ids. Vocabulary size: ${vocabSize}`,
      'logit_bias',
    );
  return bias.size > 0 ? bias : undefined;
}
