/**
 * Floating-point operations of one training step on a sequence, as the trainer computes it (full fine-tuning:
 * every weight gradient). The benchmark divides by time for GFLOP/s. Element-wise work (norms, RoPE, softmax,
 * SiLU, the optimizer) is left out, as model-FLOP counts do.
 *
 *   flops = 6·T·P_layers + 6·R·V·H + 6·L·heads·hd·T·(T+1)
 *
 * T rows (tokens plus soft-prompt rows), R scored rows (only they reach the vocabulary projection), P_layers the
 * projection weights of all layers (L·(H·(q+2kv) + q·H + 3·H·I)), V·H the output head. Each weight is used in
 * 2 FLOPs per row forward and 4 backward (input and weight gradient); causal attention does T(T+1)/2 dot products
 * and as many weighted sums of hd per head forward, twice that backward.
 */
import type { LlamaConfig } from '../contract';
import type { TrainSequence } from './forward-backward';
import { llamaDims } from './llama-params';

export function trainingFlops(config: LlamaConfig, seq: TrainSequence, prefixRows = 0): number {
  const d = llamaDims(config);
  const T = prefixRows + seq.ids.length;
  let R = 0;
  for (let j = 0; j < seq.ids.length; j++) if (seq.lossMask[j] && prefixRows + j - 1 >= 0) R++;
  const layerWeights = d.layers * (d.hidden * (d.qDim + 2 * d.kvDim) + d.qDim * d.hidden + 3 * d.hidden * d.inter);
  return 6 * T * layerWeights + 6 * R * d.vocab * d.hidden + 6 * d.layers * d.heads * d.headDim * T * (T + 1);
}
