/** What the cache holds K and V in: f32, or bf16 for a model computed from bf16 weights (as vLLM's "auto" does). */
export type KvDtype = 'F32' | 'BF16';

/** Where the pools live: the matmul arena (so the wasm attention kernels can address them), or ordinary arrays. */
export interface KvStorage {
  f32(n: number): Float32Array;
  bf16(n: number): Uint16Array;
}

const PLAIN_STORAGE: KvStorage = { f32: (n) => new Float32Array(n), bf16: (n) => new Uint16Array(n) };

/**
 * Paged KV cache: one K and one V pool per layer, carved into fixed-size blocks of token slots. A sequence
 * owns a list of blocks (its block table), so memory is claimed as sequences grow instead of reserving
 * max-length buffers up front, and a finished sequence's blocks are reusable at once. The byte budget
 * therefore directly decides how many tokens — across all sequences — can be in flight.
 */
export class KvCache {
  readonly blockSize: number;
  readonly numBlocks: number;
  readonly kvDim: number;
  /** f32 pools, or bf16 bit patterns (Uint16Array) when `dtype` is BF16. */
  readonly k: (Float32Array | Uint16Array)[];
  readonly v: (Float32Array | Uint16Array)[];
  private readonly free: number[];

  /** Zero-filled memory is lazily backed by the OS, so an unused budget costs no resident memory. */
  constructor(
    layers: number,
    kvDim: number,
    budgetBytes: number,
    blockSize = 16,
    storage: KvStorage = PLAIN_STORAGE,
    readonly dtype: KvDtype = 'F32',
  ) {
    this.blockSize = blockSize;
    this.kvDim = kvDim;
    this.numBlocks = KvCache.blocksInBudget(layers, kvDim, budgetBytes, blockSize, dtype);
    if (this.numBlocks < 1)
      throw new Error(`KV cache budget ${budgetBytes} B is below one block (${blockSize * KvCache.bytesPerToken(layers, kvDim, dtype)} B)`);
    const pool = (): Float32Array | Uint16Array => (dtype === 'BF16' ? storage.bf16 : storage.f32)(this.numBlocks * blockSize * kvDim);
    this.k = Array.from({ length: layers }, pool);
    this.v = Array.from({ length: layers }, pool);
    this.free = Array.from({ length: this.numBlocks }, (_, i) => this.numBlocks - 1 - i);
  }

  static blocksInBudget(layers: number, kvDim: number, budgetBytes: number, blockSize: number, dtype: KvDtype = 'F32'): number {
    return Math.floor(budgetBytes / (blockSize * KvCache.bytesPerToken(layers, kvDim, dtype)));
  }

  static bytesPerToken(layers: number, kvDim: number, dtype: KvDtype = 'F32'): number {
    return layers * 2 * kvDim * (dtype === 'BF16' ? 2 : 4);
  }

  /**
   * Writes a position's K and V (kvDim floats each, at `kOff` and `vOff` of `src`) into `slot` of `layer`'s pools, a
   * bf16 cache rounding each to the nearest bf16 (ties to even, NaN kept a NaN), as PyTorch casts.
   */
  put(layer: number, slot: number, src: Float32Array, kOff: number, vOff: number): void {
    const kvDim = this.kvDim;
    const k = this.k[layer];
    const v = this.v[layer];
    if (k instanceof Float32Array && v instanceof Float32Array) {
      k.set(src.subarray(kOff, kOff + kvDim), slot * kvDim);
      v.set(src.subarray(vOff, vOff + kvDim), slot * kvDim);
      return;
    }
    const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
    for (let i = 0, at = slot * kvDim; i < kvDim; i++, at++) {
      k[at] = bf16Bits(bits[kOff + i]);
      v[at] = bf16Bits(bits[vOff + i]);
    }
  }

  get capacityTokens(): number {
    return this.numBlocks * this.blockSize;
  }

  get freeBlocks(): number {
    return this.free.length;
  }

  get usage(): number {
    return 1 - this.free.length / this.numBlocks;
  }

  blocksFor(tokens: number): number {
    return Math.ceil(tokens / this.blockSize);
  }

  /** Grows `table` to cover `tokens` slots; false (and no change) when the pool cannot. */
  ensure(table: number[], tokens: number): boolean {
    const need = this.blocksFor(tokens) - table.length;
    if (need <= 0) return true;
    if (need > this.free.length) return false;
    for (let i = 0; i < need; i++) table.push(this.free.pop() as number);
    return true;
  }

  release(table: number[]): void {
    for (const b of table) this.free.push(b);
    table.length = 0;
  }
}

/** The bf16 nearest to the f32 with these bits (ties to even); a NaN stays a (quiet) NaN. */
export function bf16Bits(f32: number): number {
  if ((f32 & 0x7fffffff) > 0x7f800000) return ((f32 >>> 16) | 0x40) & 0xffff;
  return ((f32 + 0x7fff + ((f32 >>> 16) & 1)) >>> 16) & 0xffff;
}
