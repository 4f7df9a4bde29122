import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ConversionCode, ConvertRequest, ConvertResult } from './convert/convert.mjs';
import { ExtractionError } from './extraction-error';

/**
 * Plain JavaScript beside this file, found the same way from the sources under @swc-node/register and in vitest
 * (which both give modules `__dirname`), so no TypeScript loader has to start inside the worker.
 */
const WORKER_FILE = join(__dirname, 'convert', 'extract-worker.mjs');

type WorkerOutcome = { ok: true; result: ConvertResult } | { ok: false; code: ConversionCode; message: string };

// One worker per core at most: a burst of documents queues instead of starting a thread (and a heap) each.
const MAX_WORKERS = Math.max(1, availableParallelism());
const live = new Set<Worker>();
const queue: (() => void)[] = [];
let running = 0;

/** Worker threads alive now (for specs: a timed-out parse leaves none behind). */
export function liveExtractionWorkers(): number {
  return live.size;
}

/**
 * Runs one conversion in a fresh worker thread, so a big or hostile document never blocks the caller's event loop:
 * the worker is terminated when it runs past `timeoutMs` (or its heap past `maxMemoryMb`), and nothing of one
 * document's parse survives into the next. The time limit starts when the worker does, not while queued.
 */
export async function runInWorker(request: ConvertRequest, limits: { timeoutMs: number; maxMemoryMb: number }): Promise<ConvertResult> {
  // A finishing run hands its slot straight to the next in the queue, so a newcomer cannot take it in between.
  if (running < MAX_WORKERS) running++;
  else await new Promise<void>((resolve) => queue.push(resolve));
  try {
    return await runOnce(request, limits);
  } finally {
    const next = queue.shift();
    if (next) next();
    else running--;
  }
}

function runOnce(request: ConvertRequest, { timeoutMs, maxMemoryMb }: { timeoutMs: number; maxMemoryMb: number }): Promise<ConvertResult> {
  // A copy moves to the worker; the caller's buffer stays the caller's.
  const data = new Uint8Array(request.data);
  const worker = new Worker(WORKER_FILE, {
    workerData: { ...request, data },
    transferList: [data.buffer],
    resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb },
    // Not the parent's `-r @swc-node/register`: the worker is plain JavaScript, and the loader costs a second to start.
    execArgv: [],
  });
  live.add(worker);
  return new Promise((resolve, reject) => {
    let settled = false;
    // Settles once the worker is gone, so a rejected extraction never leaves a thread parsing behind it.
    const settle = (outcome: ConvertResult | ExtractionError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate().finally(() => {
        live.delete(worker);
        if (outcome instanceof ExtractionError) reject(outcome);
        else resolve(outcome);
      });
    };
    const timer = setTimeout(
      () => settle(new ExtractionError('timeout', `the document took longer than ${timeoutMs} ms to read; it was stopped`)),
      timeoutMs,
    );
    worker.once('message', (outcome: WorkerOutcome) =>
      settle(outcome.ok ? outcome.result : new ExtractionError(outcome.code, outcome.message)),
    );
    worker.once('error', (err: Error & { code?: string }) =>
      settle(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new ExtractionError('too_large', `reading the document needed more than ${maxMemoryMb} MiB of memory`)
          : new ExtractionError('unreadable', `the document could not be read (${err.message.slice(0, 200)})`),
      ),
    );
    worker.once('exit', (code) =>
      settle(new ExtractionError('unreadable', `the document's reader stopped unexpectedly (exit code ${code})`)),
    );
  });
}
