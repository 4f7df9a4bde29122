import type { BranchMetrics, ModelMetricsJson, ModelProgressJson } from '@platform/api-types';

/** One bar or point in Carbon Charts' tabular data format. */
export interface Datum {
  group: string;
  key: string | number;
  value: number;
}

/** MMLU accuracy per subject (`mmlu_<subject>` → `<subject>`), best first. */
export function mmluSubjects(m: ModelMetricsJson): Datum[] {
  const scores = m.mmlu?.scores ?? {};
  return Object.entries(scores)
    .map(([subject, value]) => ({ group: 'accuracy', key: subject.replace(/^mmlu_/, ''), value }))
    .sort((a, b) => b.value - a.value || String(a.key).localeCompare(String(b.key)));
}

/** A branch benchmark's Δ (trained − base) per task, grouped as improvement, regression or no change. */
export function branchDeltas(b: BranchMetrics | undefined): Datum[] {
  if (!b) return [];
  const rows = (group: string, r: Record<string, number>) => Object.entries(r).map(([key, value]) => ({ group, key, value }));
  return [...rows('improvement', b.improvements), ...rows('regression', b.regressions), ...rows('no change', b.no_change)];
}

export function mtBenchTurns(m: ModelMetricsJson): Datum[] {
  const s = m.mt_bench?.scores;
  if (!s) return [];
  return [
    { group: 'score', key: 'turn one', value: s.turn_one },
    { group: 'score', key: 'turn two', value: s.turn_two },
  ];
}

/** A training-loss point: the step within its phase and the loss the trainer reported there. */
export interface LossPoint {
  phase: number;
  epoch: number;
  step: number;
  loss: number;
}

/**
 * Adds a progress report to the loss series when it is a new step (the page polls faster than steps end); the
 * series stays in phase and step order.
 */
export function addLossPoint(points: readonly LossPoint[], p: ModelProgressJson | undefined): readonly LossPoint[] {
  if (!p || !Number.isFinite(p.loss) || p.step <= 0) return points;
  if (points.some((q) => q.phase === p.phase && q.step === p.step)) return points;
  const next = [...points, { phase: p.phase, epoch: p.epoch, step: p.step, loss: p.loss }];
  return next.sort((a, b) => a.phase - b.phase || a.step - b.step);
}

/**
 * The loss series of the job's run logs (`GET …/models/{id}/loss`) merged into what the page has drawn: a logged step
 * replaces the polled one (the log holds every step; polling skips some), steps only seen live stay.
 */
export function mergeLossHistory(points: readonly LossPoint[], history: readonly LossPoint[]): readonly LossPoint[] {
  if (history.length === 0) return points;
  const byStep = new Map(points.map((p) => [`${p.phase}/${p.step}`, p]));
  for (const p of history) byStep.set(`${p.phase}/${p.step}`, { phase: p.phase, epoch: p.epoch, step: p.step, loss: p.loss });
  return [...byStep.values()].sort((a, b) => a.phase - b.phase || a.step - b.step);
}

export const lossData = (points: readonly LossPoint[]): Datum[] =>
  points.map((p) => ({ group: `phase ${p.phase}`, key: p.step, value: p.loss }));
