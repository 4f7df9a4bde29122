import type { JobEffects } from './jobs';
import type { StreamOutcome } from './streams';

export interface ScenarioResult {
  target: string;
  survived: boolean;
  /** Jobs that never reached a terminal state, or reached one with fewer effects than the uninterrupted run. */
  jobsLost: number;
  /** Effects announced or written twice: a terminal event, a checkpoint event, a record. */
  duplicates: number;
  streams: StreamOutcome[];
  /** Where the jobs were when the process died. */
  atKill: string;
  /** The first /health answer that reported the dead process not ready. */
  notReady?: string;
  /** Kill → /health ready again. */
  recoveryMs: number;
  /** Kill → every job of the scenario finished. */
  jobsMs: number;
}

/** Lost and duplicated effects of one job against the same job run without interruption. */
export function compareEffects(got: JobEffects, baseline: JobEffects): { lost: number; duplicates: number } {
  let lost = 0;
  let duplicates = 0;
  if (got.status !== baseline.status || got.terminalEvents.length === 0) lost++;
  duplicates += Math.max(0, got.terminalEvents.length - 1);
  for (const [leaf, n] of Object.entries(baseline.samples ?? {})) {
    const have = got.samples?.[leaf] ?? 0;
    if (have < n) lost++;
    if (have > n) duplicates++;
  }
  for (const [key, lines] of Object.entries(baseline.objects)) {
    const have = got.objects[key] ?? 0;
    if (have < lines) lost++;
    if (have > lines) duplicates++;
  }
  for (const [checkpoint, n] of Object.entries(baseline.checkpoints ?? {})) {
    const have = got.checkpoints?.[checkpoint] ?? 0;
    if (have < n) lost++;
    if (have > n) duplicates++;
  }
  return { lost, duplicates };
}

/** The suite's closing lines: one per scenario, then the totals the issue asks for. */
export function chaosSummary(results: ScenarioResult[], wallMs: number): string {
  const rows = results.map(
    (r) =>
      `  ${r.survived ? 'survived' : 'FAILED  '}  SIGKILL ${r.target.padEnd(13)} (${r.atKill}) ${r.notReady ? 'not ready' : 'NOT SEEN not ready'}, ` +
      `health back in ${(r.recoveryMs / 1000).toFixed(1)} s, ` +
      `jobs done ${(r.jobsMs / 1000).toFixed(1)} s after the kill, streams: ${r.streams.join(', ')}; lost ${r.jobsLost}, duplicates ${r.duplicates}` +
      (r.notReady ? `\n              /health meanwhile: ${r.notReady.slice(0, 160)}` : ''),
  );
  const sum = (f: (r: ScenarioResult) => number) => results.reduce((n, r) => n + f(r), 0);
  return [
    'chaos suite:',
    ...rows,
    `  scenarios run ${results.length}, survived ${results.filter((r) => r.survived).length}, ` +
      `jobs lost = ${sum((r) => r.jobsLost)}, duplicates = ${sum((r) => r.duplicates)}, ` +
      `streams ended = ${sum((r) => r.streams.length)} (hung 0 allowed: ${sum((r) => r.streams.filter((s) => s === 'hung').length)}), ` +
      `wall time ${(wallMs / 1000).toFixed(0)} s`,
  ].join('\n');
}
