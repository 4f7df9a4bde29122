import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { stopReason } from '@platform/jobs';
import type { ObjectStore } from '@platform/object-store';
import type { TrainingExecutor } from '../executors/executor';
import type { ModelJobEntity } from '../model-job.entity';
import { modelPrefix } from '../model-jobs.service';
import type { JobStore } from './job-store';
import { RunLog, settleStoppedRun, systemDetails } from './run-log';

/** Why a run stopped before the end: the job was canceled or deleted under it, or this worker lost it. */
export class Stopped extends Error {}

export interface AttemptDeps {
  store: ObjectStore;
  jobs: Pick<JobStore, 'find'>;
  executor: TrainingExecutor;
  workDir: string;
}

/**
 * One attempt at a training or tuning job: a fresh work directory and run log, the system details uploaded, then
 * `body`. A shutdown hands the job back to the queue (rethrown: another worker resumes from the last checkpoint); a
 * stop (Stopped, or the signal aborted: canceled, deleted, lease lost) settles the run and returns; a failure is
 * logged and rethrown. The work directory is removed whatever happens.
 */
export async function runAttempt(
  job: ModelJobEntity,
  signal: AbortSignal,
  deps: AttemptDeps,
  start: Record<string, unknown>,
  body: (attemptDir: string, log: RunLog) => Promise<void>,
): Promise<void> {
  const attemptDir = join(deps.workDir, job.id, `attempt-${job.attempts}`);
  rmSync(attemptDir, { recursive: true, force: true });
  const log = new RunLog(join(attemptDir, 'run.log'), `${modelPrefix(job.id)}logs/train-attempt-${job.attempts}.log`);
  try {
    const details = systemDetails({
      executor: deps.executor.describe(),
      hyperparameters: job.hyperparameters,
      baseModel: job.baseModel,
      attempt: job.attempts,
    });
    await deps.store.put(
      `${modelPrefix(job.id)}logs/system-attempt-${job.attempts}.json`,
      Buffer.from(JSON.stringify(details, null, 2)),
      'application/json',
    );
    log.json({ event: 'start', attempt: job.attempts, checkpoints: job.checkpoints.length, ...start });
    await body(attemptDir, log);
  } catch (err) {
    if (stopReason(signal) === 'shutdown') {
      log.json({ event: 'shutdown' });
      await log.upload(deps.store).catch(() => undefined);
      throw err;
    }
    if (err instanceof Stopped || signal.aborted) {
      log.json({ event: 'stopped', reason: stopReason(signal) });
      await settleStoppedRun(deps.store, deps.jobs, job.id, log);
      return;
    }
    log.json({ event: 'error', message: (err as Error).message });
    await log.upload(deps.store).catch(() => undefined);
    throw err;
  } finally {
    rmSync(attemptDir, { recursive: true, force: true });
  }
}
