import type { ModelJson, PublicEvent } from '@platform/api-types';

/** One step of a model job's timeline, as Carbon's ProgressStep draws it. */
export interface TimelineStep {
  label: string;
  detail: string;
  state: 'complete' | 'current' | 'incomplete' | 'invalid';
}

export interface Checkpoint {
  phase: number;
  epoch: number;
  path: string;
  /** Phase-1 checkpoints: the MMLU score evaluation gave it. */
  mmlu?: number;
  best?: boolean;
}

const PHASES = [
  { phase: 1, label: 'Phase 1: knowledge', state: 'knowledge' },
  { phase: 2, label: 'Phase 2: skills', state: 'skills' },
] as const;

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** The checkpoints the job's events announced, in phase and epoch order, with their scores and the best one. */
export function checkpointsOf(events: readonly PublicEvent[]): Checkpoint[] {
  const byKey = new Map<string, Checkpoint>();
  const at = (phase: number, epoch: number, path: string) => {
    const key = `${phase}/${epoch}`;
    const c = byKey.get(key) ?? { phase, epoch, path };
    byKey.set(key, c);
    return c;
  };
  for (const e of events) {
    const d = e.data;
    if (e.type === 'training.checkpoint.saved') at(num(d.phase), num(d.epoch), String(d.path ?? ''));
    else if (e.type === 'evaluation.checkpoint.evaluated') {
      at(num(d.phase), num(d.epoch), String(d.path ?? '')).mmlu = num(
        (d.mmlu as { overall_average?: number } | undefined)?.overall_average,
      );
    } else if (e.type === 'evaluation.model.evaluated') {
      const b = d.best_checkpoint as { phase: number; epoch: number; path: string } | undefined;
      if (b) at(b.phase, b.epoch, b.path).best = true;
    }
  }
  return [...byKey.values()].sort((a, b) => a.phase - b.phase || a.epoch - b.epoch);
}

/**
 * queued → phase 1 epochs → phase 2 epochs → evaluation → the outcome, from the job (its state and live progress)
 * and its events (checkpoints saved per epoch). Which step failed or was canceled is the one that was current.
 */
export function timelineOf(
  job: Pick<ModelJson, 'status' | 'state' | 'progress' | 'failure_reason'>,
  events: readonly PublicEvent[],
): TimelineStep[] {
  const saved = checkpointsOf(events);
  const trained = events.some((e) => e.type === 'training.job.trained');
  const evaluated = events.some((e) => e.type === 'evaluation.model.evaluated');
  const order = ['', 'knowledge', 'skills', 'evaluating', 'completed'];
  let reached = order.indexOf(job.state);
  if (job.status === 'completed') reached = 4;
  // A failed or canceled job's state names the outcome, not where it stopped: the events say how far it got.
  if (reached < 0)
    reached = evaluated ? 4 : trained ? 3 : saved.some((c) => c.phase === 2) ? 2 : saved.length > 0 ? 1 : job.status === 'queued' ? 0 : 1;
  const ended = job.status === 'failed' || job.status === 'canceled';
  const stepState = (i: number): TimelineStep['state'] => {
    if (i < reached) return 'complete';
    if (i > reached) return 'incomplete';
    if (ended) return 'invalid';
    return job.status === 'completed' ? 'complete' : 'current';
  };
  const phaseDetail = (phase: number, i: number) => {
    const epochs = saved.filter((c) => c.phase === phase).length;
    const p = job.progress;
    if (p && p.phase === phase && stepState(i) === 'current')
      return `epoch ${p.epoch} of ${p.epochs}, step ${p.step}` + (Number.isFinite(p.loss) ? `, loss ${p.loss.toFixed(4)}` : '');
    return epochs ? `${epochs} epoch${epochs === 1 ? '' : 's'} saved` : '';
  };
  const steps: TimelineStep[] = [
    { label: 'Queued', detail: '', state: stepState(0) },
    ...PHASES.map((ph, k) => ({ label: ph.label, detail: phaseDetail(ph.phase, k + 1), state: stepState(k + 1) })),
    { label: 'Evaluation', detail: evaluated ? 'best checkpoint chosen' : trained ? 'scoring the candidates' : '', state: stepState(3) },
    { label: outcomeLabel(job.status), detail: job.failure_reason ?? '', state: stepState(4) },
  ];
  if (ended) {
    // The outcome step carries the reason; the step it stopped at is marked invalid above.
    steps[4] = { ...steps[4], state: 'invalid' };
  }
  return steps;
}

function outcomeLabel(status: ModelJson['status']): string {
  if (status === 'failed') return 'Failed';
  if (status === 'canceled') return 'Canceled';
  return 'Completed';
}
