import { forwardBackward } from '../../libs/engine/src/training/forward-backward';
import { initLlamaParams } from '../../libs/engine/src/training/llama-params';
import { zerosLike, type ParamMap } from '../../libs/engine/src/training/tensor';
const hidden = Number(process.argv[2] ?? 128), layers = Number(process.argv[3] ?? 4), inter = Number(process.argv[4] ?? 384), V = Number(process.argv[5] ?? 1024);
const config = { vocab_size: V, hidden_size: hidden, intermediate_size: inter, num_hidden_layers: layers, num_attention_heads: hidden / 32, num_key_value_heads: hidden / 64, max_position_embeddings: 512, rms_norm_eps: 1e-5, rope_theta: 10000, tie_word_embeddings: true };
const params = initLlamaParams(config, 1);
const grads: ParamMap = new Map([...params].map(([n, t]) => [n, zerosLike(t)]));
const T = 128;
const ids = Array.from({ length: T }, (_, i) => (i * 7) % V);
const lossMask = new Uint8Array(T).fill(1);
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  for (let k = 0; k < 4; k++) forwardBackward(config, params, { ids, lossMask }, { grads });
  const s = (performance.now() - t0) / 1000;
  console.log(`train tok/s ${(4 * T / s).toFixed(0)}`);
}
const t0 = performance.now();
for (let k = 0; k < 4; k++) forwardBackward(config, params, { ids, lossMask });
console.log(`fwd tok/s ${(4 * T / ((performance.now() - t0) / 1000)).toFixed(0)}`);
