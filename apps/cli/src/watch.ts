import { setTimeout as sleep } from 'node:timers/promises';
import { SingleBar } from 'cli-progress';
import { isTerminal, progressLine, progressOf, type WatchedJob } from './job-progress';
import type { Io } from './output';

export interface WatchOptions<T extends WatchedJob> {
  label: string;
  intervalMs: number;
  io: Io;
  fetch(): Promise<T>;
}

/**
 * Polls a job's GET until it is completed, failed or canceled, drawing a progress bar on stderr (plain lines
 * when stderr is not a terminal), and returns the last GET.
 */
export async function watchJob<T extends WatchedJob>(o: WatchOptions<T>): Promise<T> {
  const bar = o.io.errIsTty
    ? new SingleBar({
        stream: o.io.errStream,
        format: `${o.label} |{bar}| {percentage}%  {counts}{status} {stage}{samples}`,
        hideCursor: true,
        // The caller decided that stderr is a terminal; the bar would otherwise test the stream again.
        noTTYOutput: true,
        clearOnComplete: false,
      })
    : undefined;
  let started = false;
  let lastLine = '';
  try {
    for (;;) {
      const job = await o.fetch();
      const v = progressOf(job);
      if (bar) {
        // A bar needs a total: until the job reports counts, show an empty bar of one step with its status.
        const payload = {
          counts: v.total > 0 ? `${v.done}/${v.total}  ` : '',
          status: v.status,
          stage: v.stage,
          samples: v.samples !== undefined ? `  ${v.samples} samples` : '',
        };
        if (!started) bar.start(Math.max(v.total, 1), v.done, payload);
        else {
          bar.setTotal(Math.max(v.total, 1));
          bar.update(v.done, payload);
        }
        started = true;
      } else {
        const line = progressLine(o.label, v);
        if (line !== lastLine) o.io.err(`${line}\n`);
        lastLine = line;
      }
      if (isTerminal(job)) return job;
      await sleep(o.intervalMs);
    }
  } finally {
    if (started) bar?.stop();
  }
}
