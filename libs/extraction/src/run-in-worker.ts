import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { cpuBudget } from '@platform/common/cpu-budget';
import type { ConversionCode, ConvertRequest, ConvertResult } from './convert/convert.mjs';
import type { WorkerTask } from './convert/extract-worker.mjs';
import { ExtractionError } from './extraction-error';
import { canceled } from './ocr';

/**
 * Plain JavaScript beside this file, found the same way from the sources under @swc-node/register and in vitest
 * (which both give modules `__dirname`), so no TypeScript loader has to start inside the worker.
 */
const WORKER_FILE = join(__dirname, 'convert', 'extract-worker.mjs');

type WorkerOutcome<R> =
  | { ok: true; result: R }
  | { ok: false; code: ConversionCode; message: string }
  // A PDF's reader reports each page it has read, and whether it had a text layer, for a caller's progress.
  | { progress: [pagesDone: number, totalPages: number, hasText: boolean] };

/** Progress of a PDF's reading: pages read, of how many, and whether the last one had a text layer. */
export type PageProgress = (pagesDone: number, totalPages: number, hasText: boolean) => void;

/** The worker's time and heap limits, and the caller's signal to stop it (a canceled job). */
type WorkerLimits = { timeoutMs: number; maxMemoryMb: number; signal?: AbortSignal };

// One worker per core this process may use at most (a CPU quota counts): a burst of documents queues instead of
// starting a thread (and a heap) each.
const MAX_WORKERS = cpuBudget();
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
export async function runInWorker(request: ConvertRequest, limits: WorkerLimits, onProgress?: PageProgress): Promise<ConvertResult> {
  return await runTask<ConvertResult>({ task: 'convert', ...request }, limits, onProgress);
}

/**
 * One task of `extract-worker.mjs` (a conversion, the assembly of a document's outputs, an image rotation) in a fresh
 * worker thread, queued with the others for one of the pool's slots.
 */
export async function runTask<R>(task: WorkerTask, limits: WorkerLimits, onProgress?: PageProgress): Promise<R> {
  // A finishing run hands its slot straight to the next in the queue, so a newcomer cannot take it in between.
  if (running < MAX_WORKERS) running++;
  else await new Promise<void>((resolve) => queue.push(resolve));
  try {
    return await runOnce<R>(task, limits, onProgress);
  } finally {
    const next = queue.shift();
    if (next) next();
    else running--;
  }
}

function runOnce<R>(task: WorkerTask, { timeoutMs, maxMemoryMb, signal }: WorkerLimits, onProgress?: PageProgress): Promise<R> {
  // A copy of the bytes moves to the worker; the caller's buffer stays the caller's.
  const data = 'data' in task ? new Uint8Array(task.data) : undefined;
  const worker = new Worker(WORKER_FILE, {
    workerData: data ? { ...task, data, progress: onProgress !== undefined } : { ...task, progress: onProgress !== undefined },
    transferList: data ? [data.buffer] : [],
    resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb },
    // Not the parent's `-r @swc-node/register`: the worker is plain JavaScript, and the loader costs a second to start.
    execArgv: [],
  });
  live.add(worker);
  return new Promise((resolve, reject) => {
    let settled = false;
    // Settles once the worker is gone, so a rejected extraction never leaves a thread parsing behind it.
    const settle = (outcome: R | ExtractionError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
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
    const abort = () => settle(canceled());
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
    worker.on('message', (outcome: WorkerOutcome<R>) => {
      if ('progress' in outcome) {
        if (!settled) onProgress?.(...outcome.progress);
        return;
      }
      settle(outcome.ok ? outcome.result : new ExtractionError(outcome.code, outcome.message));
    });
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
