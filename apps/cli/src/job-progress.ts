import { TERMINAL_STATUSES } from '@platform/api-types';
import type { ReceivedProgress } from './received';

export interface WatchedJob {
  status?: string;
  state?: string;
  progress?: ReceivedProgress;
}

export interface ProgressView {
  status: string;
  /** The stage: the progress's stage, else the job's `state`. */
  stage: string;
  done: number;
  /** 0 while the job reports no measurable progress (queued, or a stage without counts). */
  total: number;
  samples?: number;
}

export function isTerminal(job: WatchedJob): boolean {
  return TERMINAL_STATUSES.some((s) => s === job.status);
}

const count = (n: unknown): number => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);

// Multiphase training: phase 1 (knowledge) then phase 2 (skills), each of `epochs` epochs.
const TRAINING_PHASES = 2;

/** Training reports the running phase and epoch (1-based): the epochs before it are done. */
function trainingCounts(p: ReceivedProgress): { done: number; total: number; stage: string } | undefined {
  const epochs = count(p.epochs);
  const phase = count(p.phase);
  if (epochs === 0 || phase === 0) return undefined;
  const epoch = Math.min(count(p.epoch), epochs);
  const loss = typeof p.loss === 'number' && Number.isFinite(p.loss) ? ` loss ${p.loss.toFixed(3)}` : '';
  return {
    done: (phase - 1) * epochs + Math.max(epoch - 1, 0),
    total: TRAINING_PHASES * epochs,
    stage: `phase ${phase} epoch ${epoch}/${epochs}${loss}`,
  };
}

/** What a progress display shows for one GET of a job; a completed job reads as full. */
export function progressOf(job: WatchedJob): ProgressView {
  const p = job.progress ?? {};
  const training = count(p.total) === 0 ? trainingCounts(p) : undefined;
  let total = training?.total ?? count(p.total);
  let done = Math.min(training?.done ?? count(p.done), total);
  if (job.status === 'completed') {
    total = Math.max(total, 1);
    done = total;
  }
  return {
    status: job.status ?? '',
    stage: p.stage || training?.stage || job.state || '',
    done,
    total,
    ...(typeof p.samples === 'number' ? { samples: p.samples } : {}),
  };
}

/** The progress of a running job in one phrase, for `get` without --watch. */
export function progressText(job: WatchedJob): string | undefined {
  if (isTerminal(job)) return undefined;
  const v = progressOf(job);
  if (v.total === 0) return undefined;
  return `${v.done}/${v.total} (${Math.round((100 * v.done) / v.total)}%)${v.stage ? ` ${v.stage}` : ''}${v.samples !== undefined ? `, ${v.samples} samples` : ''}`;
}

/** One plain line per change, for logs and pipes where a bar cannot redraw. */
export function progressLine(label: string, v: ProgressView): string {
  const parts = [label, v.status];
  if (v.stage) parts.push(v.stage);
  if (v.total > 0) parts.push(`${v.done}/${v.total} (${Math.round((100 * v.done) / v.total)}%)`);
  if (v.samples !== undefined) parts.push(`${v.samples} samples`);
  return parts.join('  ');
}
