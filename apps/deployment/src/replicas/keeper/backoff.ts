/** The wait before restart number `n` (1, 2, …): doubles from `minMs`, capped at `maxMs`. */
export function restartDelay(n: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.max(0, Math.min(n - 1, 30)));
}
