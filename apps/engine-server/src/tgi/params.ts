import { randomInt } from 'node:crypto';
import type { ConstraintSpec, SamplingParams, ServedModel } from '@platform/engine';
import { tokensBeyond } from '../context-bound';
import { TgiError, modelNotFound, tgiValidation } from '../errors';
import { type Json, asObject, optBool, optInt, optNumber, optObject, optStringList } from '../http/body';
import type { ModelRegistry } from '../models';
import { verbalizeTextPrompt } from '../verbalize';
import { readTgiGrammar } from './grammar';

/** TGI's launcher defaults that bound a request; /info advertises them. */
export const TGI_LIMITS = { maxStopSequences: 4, maxTopNTokens: 5, maxBestOf: 1 } as const;

export interface TgiRequest {
  model: ServedModel;
  inputs: string;
  promptIds: number[];
  params: SamplingParams;
  /** the seed reported in details: the one used when sampling, null when greedy */
  seed: number | null;
  details: boolean;
  decoderInputDetails: boolean;
  returnFullText: boolean;
  topNTokens: number;
  /** `parameters.grammar`: compiled into the sequence's constraint before it starts. */
  grammar?: ConstraintSpec;
}

/**
 * Parses and validates a TGI `{inputs, parameters}` body with TGI's rules and messages. Not standard TGI: an
 * optional top-level `model` picks one of several served models (TGI serves exactly one).
 */
export function parseTgiRequest(models: ModelRegistry, rawBody: unknown, streaming: boolean): TgiRequest {
  const body = asObject(rawBody);
  const name = typeof body.model === 'string' ? body.model : undefined;
  const model = models.find(name);
  if (!model) throw new TgiError(404, modelNotFound(name ?? '').message, 'not_found');
  if (typeof body.inputs !== 'string') throw tgiValidation('`inputs` must be a string');
  if (body.inputs.length === 0) throw tgiValidation('`inputs` cannot be empty');
  const inputs = verbalizeTextPrompt(model, body.inputs);
  const p: Json = optObject(body, 'parameters') ?? {};
  const paramsGiven = body.parameters !== undefined && body.parameters !== null;

  const temperature = optNumber(p, 'temperature');
  if (temperature !== undefined && temperature <= 0) throw tgiValidation('`temperature` must be strictly positive');
  const repetitionPenalty = optNumber(p, 'repetition_penalty');
  if (repetitionPenalty !== undefined && repetitionPenalty <= 0) throw tgiValidation('`repetition_penalty` must be strictly positive');
  const frequencyPenalty = optNumber(p, 'frequency_penalty');
  if (frequencyPenalty !== undefined && (frequencyPenalty < -2 || frequencyPenalty > 2))
    throw tgiValidation('`frequency_penalty` must be >= -2.0 and <= 2.0');
  const topP = optNumber(p, 'top_p');
  if (topP !== undefined && (topP <= 0 || topP >= 1)) throw tgiValidation('`top_p` must be > 0.0 and < 1.0');
  if (optNumber(p, 'typical_p') !== undefined) throw tgiValidation('`typical_p` is not supported by this engine');
  const topK = optInt(p, 'top_k');
  if (topK !== undefined && topK <= 0) throw tgiValidation('`top_k` must be strictly positive');
  const maxNew = optInt(p, 'max_new_tokens');
  if (maxNew !== undefined && maxNew <= 0) throw tgiValidation('`max_new_tokens` must be strictly positive');
  const stop = optStringList(p, 'stop') ?? [];
  if (stop.length > TGI_LIMITS.maxStopSequences)
    throw tgiValidation(`\`stop\` supports up to ${TGI_LIMITS.maxStopSequences} stop sequences. Given: ${stop.length}`);
  const topN = optInt(p, 'top_n_tokens') ?? 0;
  if (topN < 0 || topN > TGI_LIMITS.maxTopNTokens)
    throw tgiValidation(`\`top_n_tokens\` must be >= 0 and <= ${TGI_LIMITS.maxTopNTokens}. Given: ${topN}`);
  const bestOf = optInt(p, 'best_of');
  if (bestOf !== undefined && (bestOf <= 0 || bestOf > TGI_LIMITS.maxBestOf))
    throw tgiValidation(`\`best_of\` must be > 0 and <= ${TGI_LIMITS.maxBestOf}. Given: ${bestOf}`);
  const decoderInputDetails = optBool(p, 'decoder_input_details') ?? false;
  if (streaming && decoderInputDetails) throw tgiValidation('`decoder_input_details` == true is not supported when streaming tokens');
  const grammar = readTgiGrammar(p);
  const seedGiven = optInt(p, 'seed', { min: 0 });

  const maxInput = model.maxModelLen - 1;
  const truncate = optInt(p, 'truncate');
  if (truncate !== undefined && (truncate <= 0 || truncate > maxInput))
    throw tgiValidation(`\`truncate\` must be strictly positive and less than ${maxInput}. Given: ${truncate}`);

  const atLeast = truncate === undefined ? tokensBeyond(model, inputs, maxInput) : undefined;
  if (atLeast !== undefined) throw tgiValidation(`\`inputs\` must have less than ${maxInput} tokens. Given: at least ${atLeast}`);
  let promptIds = model.encode(inputs, true);
  if (truncate !== undefined && promptIds.length > truncate) promptIds = promptIds.slice(promptIds.length - truncate);
  if (promptIds.length > maxInput) throw tgiValidation(`\`inputs\` must have less than ${maxInput} tokens. Given: ${promptIds.length}`);
  const maxNewTokens = maxNew ?? model.maxModelLen - promptIds.length;
  if (promptIds.length + maxNewTokens > model.maxModelLen)
    throw tgiValidation(
      `\`inputs\` tokens + \`max_new_tokens\` must be <= ${model.maxModelLen}. Given: ${promptIds.length} \`inputs\` tokens and ${maxNewTokens} \`max_new_tokens\``,
    );

  // TGI samples when asked to or when any warper is set; `do_sample` defaults to true only without `parameters`.
  const doSample = optBool(p, 'do_sample') ?? !paramsGiven;
  const sampling = doSample || (temperature !== undefined && temperature !== 1) || topK !== undefined || topP !== undefined;
  const seed = sampling ? (seedGiven ?? randomInt(0, 2 ** 47)) : null;

  return {
    model,
    inputs,
    promptIds,
    seed,
    details: optBool(p, 'details') ?? false,
    decoderInputDetails,
    returnFullText: optBool(p, 'return_full_text') ?? false,
    topNTokens: topN,
    grammar,
    params: {
      maxTokens: maxNewTokens,
      temperature: sampling ? (temperature ?? 1) : 0,
      topK,
      topP,
      repetitionPenalty,
      frequencyPenalty,
      seed: seed ?? undefined,
      stop,
      includeStopStrInOutput: true, // TGI keeps the stop sequence in the text
      logprobs: topN,
      promptLogprobs: decoderInputDetails ? 0 : undefined,
    },
  };
}
