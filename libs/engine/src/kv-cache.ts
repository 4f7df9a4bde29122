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
  readonly k: Float32Array[];
  readonly v: Float32Array[];
  private readonly free: number[];

  /**
   * `alloc` lets the pools live in the matmul arena (so the wasm attention kernel can address them); by
   * default they are ordinary arrays. Zero-filled memory is lazily backed by the OS either way, so an
   * unused budget costs no resident memory.
   */
  constructor(
    layers: number,
    kvDim: number,
    budgetBytes: number,
    blockSize = 16,
    alloc: (n: number) => Float32Array = (n) => new Float32Array(n),
  ) {
    this.blockSize = blockSize;
    this.kvDim = kvDim;
    this.numBlocks = KvCache.blocksInBudget(layers, kvDim, budgetBytes, blockSize);
    if (this.numBlocks < 1)
      throw new Error(`KV cache budget ${budgetBytes} B is below one block (${layers * 2 * blockSize * kvDim * 4} B)`);
    this.k = Array.from({ length: layers }, () => alloc(this.numBlocks * blockSize * kvDim));
    this.v = Array.from({ length: layers }, () => alloc(this.numBlocks * blockSize * kvDim));
    this.free = Array.from({ length: this.numBlocks }, (_, i) => this.numBlocks - 1 - i);
  }

  static blocksInBudget(layers: number, kvDim: number, budgetBytes: number, blockSize: number): number {
    return Math.floor(budgetBytes / (layers * 2 * blockSize * kvDim * 4));
  }

  static bytesPerToken(layers: number, kvDim: number): number {
    return layers * 2 * kvDim * 4;
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
