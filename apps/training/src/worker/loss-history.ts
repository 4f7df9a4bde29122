/** One training step as the run log records it (`RunLog.json` of `ModelTrainer.onStep`). */
export interface LossStep {
  phase: number;
  epoch: number;
  step: number;
  loss: number;
}

/** At most this many points in one answer: a chart cannot show more, and a long run logs tens of thousands of steps. */
export const MAX_LOSS_POINTS = 2000;

const isStep = (r: Record<string, unknown>): boolean =>
  r.event === undefined && [r.phase, r.epoch, r.step, r.loss].every((v) => typeof v === 'number' && Number.isFinite(v));

/**
 * The steps of a job's run logs (one text per attempt, in attempt order), in training order. A resumed attempt repeats
 * the steps after its checkpoint: the later attempt's record of a (phase, step) wins. Trainer output and event lines
 * are skipped, as is a line cut short by an upload racing the writer.
 */
export function lossSteps(logs: readonly string[]): LossStep[] {
  const byStep = new Map<string, LossStep>();
  for (const text of logs)
    for (const line of text.split('\n')) {
      const json = line.indexOf(' {');
      if (json < 0 || !line.endsWith('}')) continue;
      let r: Record<string, unknown>;
      try {
        r = JSON.parse(line.slice(json + 1)) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (!isStep(r)) continue;
      const s = { phase: r.phase as number, epoch: r.epoch as number, step: r.step as number, loss: r.loss as number };
      byStep.set(`${s.phase}/${s.step}`, s);
    }
  return [...byStep.values()].sort((a, b) => a.phase - b.phase || a.step - b.step);
}

/** `steps` thinned evenly to at most `max`, keeping the first and the last. */
export function thinSteps<T>(steps: readonly T[], max = MAX_LOSS_POINTS): T[] {
  if (steps.length <= max) return [...steps];
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(steps[Math.round((i * (steps.length - 1)) / (max - 1))]);
  return out;
}
