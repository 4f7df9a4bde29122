import type { EngineLlamaConfig } from './model-dir';

/** Per-dimension rotation frequencies, including Llama 3 / linear rope_scaling. */
export function ropeInvFreq(config: EngineLlamaConfig, headDim: number): Float64Array {
  const half = headDim >> 1;
  const inv = new Float64Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / Math.pow(config.rope_theta, (2 * i) / headDim);
  const s = config.rope_scaling;
  const kind = s?.rope_type ?? s?.type;
  if (!s || !kind || kind === 'default') return inv;
  const factor = s.factor ?? 1;
  if (kind === 'linear') {
    for (let i = 0; i < half; i++) inv[i] /= factor;
  } else if (kind === 'llama3') {
    const low = s.low_freq_factor ?? 1;
    const high = s.high_freq_factor ?? 4;
    const oldCtx = s.original_max_position_embeddings ?? 8192;
    const lowWavelen = oldCtx / low;
    const highWavelen = oldCtx / high;
    for (let i = 0; i < half; i++) {
      const wavelen = (2 * Math.PI) / inv[i];
      if (wavelen < highWavelen) continue;
      if (wavelen > lowWavelen) inv[i] /= factor;
      else {
        const smooth = (oldCtx / wavelen - low) / (high - low);
        inv[i] = (1 - smooth) * (inv[i] / factor) + smooth * inv[i];
      }
    }
  } else {
    throw new Error(`unsupported rope_scaling type ${kind}`);
  }
  return inv;
}
