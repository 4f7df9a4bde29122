import type { LlamaConfig } from '../contract';
import type { BatchedPass, BatchedPassOptions } from './batched-pass';
import { loadTrainingModel } from './checkpoint';
import { forwardBackward, forwardPass, type ForwardBackwardOptions } from './forward-backward';
import { buildPreferenceDataset, type PreferencePair, type PreferenceRecord } from './preference-data';
import type { ParamMap } from './tensor';

/**
 * Direct Preference Optimization (Rafailov et al., 2023). For a pair with answer log-probabilities π_c, π_r under
 * the policy and r_c, r_r under the frozen reference, the loss is −log σ(β·((π_c − r_c) − (π_r − r_r))).
 */

/** Summed log-probabilities of a pair's answers under the frozen reference, computed once before training. */
export interface ReferenceLogProbs {
  chosen: number;
  rejected: number;
}

/** A pair as the trainer steps over it: tokens plus its cached reference log-probabilities. */
export interface DpoItem {
  pair: PreferencePair;
  ref: ReferenceLogProbs;
}

export interface DpoLoss {
  loss: number;
  /** (π_c − r_c) − (π_r − r_r): how much more the policy prefers the chosen answer than the reference does. */
  margin: number;
  /** β·σ(−β·margin) = −d(loss)/d(π_c) = d(loss)/d(π_r). */
  coefficient: number;
}

export function dpoLoss(policyChosen: number, policyRejected: number, ref: ReferenceLogProbs, beta: number): DpoLoss {
  const margin = policyChosen - ref.chosen - (policyRejected - ref.rejected);
  const z = beta * margin;
  // −log σ(z) = softplus(−z), written so neither branch overflows.
  const loss = z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
  const sigmoidNeg = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
  return { loss, margin, coefficient: beta * sigmoidNeg };
}

/** Summed log-probabilities of both answers under `params` (and a soft prompt); no gradient. */
export function pairLogProbs(config: LlamaConfig, params: ParamMap, pair: PreferencePair, softPrompt?: Float32Array): ReferenceLogProbs {
  return {
    chosen: -forwardBackward(config, params, pair.chosen, { softPrompt }).lossSum,
    rejected: -forwardBackward(config, params, pair.rejected, { softPrompt }).lossSum,
  };
}

export interface DpoPairResult extends DpoLoss {
  policyChosen: number;
  policyRejected: number;
}

/**
 * Forward of both answers, then one backward each, scaled by the pair's coefficient: forwardPass differentiates
 * lossSum = −π, so the chosen answer's backward gets +coefficient (raising π_c lowers the loss) and the rejected
 * answer's −coefficient. `gradScale` multiplies both, e.g. 1/(pairs in the optimizer step) for a mean.
 */
export function dpoForwardBackward(
  config: LlamaConfig,
  params: ParamMap,
  item: DpoItem,
  beta: number,
  opts: ForwardBackwardOptions = {},
): DpoPairResult {
  const c = forwardPass(config, params, item.pair.chosen, opts);
  const r = forwardPass(config, params, item.pair.rejected, opts);
  const policyChosen = -c.lossSum;
  const policyRejected = -r.lossSum;
  const l = dpoLoss(policyChosen, policyRejected, item.ref, beta);
  const scale = opts.gradScale ?? 1;
  c.backward(l.coefficient * scale);
  r.backward(-l.coefficient * scale);
  return { ...l, policyChosen, policyRejected };
}

/**
 * DPO over a micro-batch of pairs in one batched pass: both answers of every pair forward together, then one backward
 * with each answer's loss gradient scaled as dpoForwardBackward scales it a pair at a time (the chosen answer's by
 * +coefficient · gradScale, the rejected one's by −coefficient · gradScale). Returns the summed pair losses and margins.
 */
export function dpoBatched(
  pass: BatchedPass,
  params: ParamMap,
  items: readonly DpoItem[],
  beta: number,
  gradScale: number,
  opts: BatchedPassOptions,
): { lossSum: number; marginSum: number } {
  if (items.length === 0) return { lossSum: 0, marginSum: 0 };
  const losses = pass.forward(
    params,
    items.flatMap((it) => [it.pair.chosen, it.pair.rejected]),
    opts,
  );
  const scales = new Float64Array(2 * items.length);
  let lossSum = 0;
  let marginSum = 0;
  items.forEach((it, k) => {
    const l = dpoLoss(-losses[2 * k], -losses[2 * k + 1], it.ref, beta);
    scales[2 * k] = l.coefficient * gradScale;
    scales[2 * k + 1] = -l.coefficient * gradScale;
    lossSum += l.loss;
    marginSum += l.margin;
  });
  if (opts.grads || opts.softPromptGrad) pass.backward(scales, opts);
  return { lossSum, marginSum };
}

export interface PreferenceEvaluation {
  pairs: number;
  /** Mean of log p(chosen) − log p(rejected) (answer tokens only, summed per answer). */
  meanMargin: number;
  /** Fraction of pairs where the chosen answer is the more likely one. */
  accuracy: number;
}

/**
 * How strongly a model directory prefers the chosen answers of `records`, scored as DPO scores them; a
 * prompt-tuning checkpoint's soft prompt is applied automatically.
 */
export function evaluatePreferences(
  modelDir: string,
  records: readonly PreferenceRecord[],
  opts: { maxSeqLen?: number } = {},
): PreferenceEvaluation {
  const { config, params, tokenizer, softPrompt } = loadTrainingModel(modelDir);
  const prefix = softPrompt ? softPrompt.shape[0] : 0;
  const { pairs } = buildPreferenceDataset(records, tokenizer, {
    maxSeqLen: Math.min(opts.maxSeqLen ?? 512, config.max_position_embeddings - prefix),
  });
  if (pairs.length === 0) throw new Error('evaluatePreferences: no pair has scored tokens in both answers');
  let sum = 0;
  let wins = 0;
  for (const p of pairs) {
    const lp = pairLogProbs(config, params, p, softPrompt?.data);
    sum += lp.chosen - lp.rejected;
    if (lp.chosen > lp.rejected) wins++;
  }
  return { pairs: pairs.length, meanMargin: sum / pairs.length, accuracy: wins / pairs.length };
}
