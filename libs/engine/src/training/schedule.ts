/**
 * Linear warmup to the peak rate, then cosine decay to `minRatio`·peak at the last step — the schedule
 * InstructLab and most fine-tuning recipes use. `step` is 0-based (the step about to be taken).
 */
export function warmupCosineLr(step: number, totalSteps: number, peak: number, warmupSteps: number, minRatio = 0): number {
  if (warmupSteps > 0 && step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  const decaySteps = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, Math.max(0, (step - warmupSteps) / decaySteps));
  const cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
  return peak * (minRatio + (1 - minRatio) * cosine);
}
