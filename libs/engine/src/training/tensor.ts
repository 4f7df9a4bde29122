/** A dense row-major float32 tensor; the shape travels with the data so checkpoints can be written as-is. */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** Parameters keyed by their Hugging Face name, so a parameter map *is* a checkpoint. */
export type ParamMap = Map<string, Tensor>;

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Zeroed float32 storage in a SharedArrayBuffer: training tensors are shared so gradient worker threads read
 * the current weights and write their gradients without copies.
 */
export function sharedFloat32(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(n * 4));
}

export function zerosLike(t: Tensor): Tensor {
  return { shape: [...t.shape], data: sharedFloat32(t.data.length) };
}

export function cloneTensor(t: Tensor): Tensor {
  const data = sharedFloat32(t.data.length);
  data.set(t.data);
  return { shape: [...t.shape], data };
}

/**
 * mulberry32: tiny, fast and fully deterministic across platforms, which matters because the starter model
 * must rebuild bit-for-bit from a fixed seed; Math.random cannot be seeded.
 */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Box-Muller on the seeded generator. */
export function randn(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export function fillNormal(data: Float32Array, std: number, rng: () => number): void {
  for (let i = 0; i < data.length; i++) data[i] = randn(rng) * std;
}

/**
 * Elements [lo, hi) of an n-element tensor that thread `part` of `parts` takes when threads share an element-wise
 * pass; the cuts fall on 64-byte boundaries, so no two threads write the same cache line.
 */
export function partRange(n: number, part: number, parts: number): [number, number] {
  const chunk = Math.ceil(n / parts / 16) * 16;
  return [Math.min(n, part * chunk), Math.min(n, (part + 1) * chunk)];
}
