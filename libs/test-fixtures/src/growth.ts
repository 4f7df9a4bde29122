/**
 * How much longer `work` takes on an input `factor` times larger, from the fastest of three runs of each (the least
 * disturbed by other processes and the JIT). Linear work gives about `factor`, quadratic work `factor` squared, so a
 * test can tell them apart with a bound far from both, without a wall-clock limit.
 */
export function growthOf<T>(make: (size: number) => T, work: (input: T) => unknown, size: number, factor: number): number {
  const fastest = (input: T): number => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      work(input);
      best = Math.min(best, performance.now() - started);
    }
    return best;
  };
  const small = make(size);
  const large = make(size * factor);
  return fastest(large) / Math.max(fastest(small), 0.01);
}
