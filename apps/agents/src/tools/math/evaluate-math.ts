import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface MathLimits {
  maxExpressionChars: number;
  maxResultChars: number;
  timeoutMs: number;
  maxMemoryMb: number;
}

export const MATH_LIMITS: MathLimits = { maxExpressionChars: 1000, maxResultChars: 4000, timeoutMs: 2000, maxMemoryMb: 64 };

/** Plain JavaScript beside this file, so no TypeScript loader starts in the worker (as libs/extraction does). */
const WORKER_FILE = join(__dirname, 'math-worker.mjs');

/** Loading mathjs in a fresh thread, on a loaded machine. */
const START_LIMIT_MS = 30_000;

export type MathOutcome = { ok: true; text: string } | { ok: false; message: string };

/**
 * Evaluates one expression with mathjs in a fresh worker thread (no `eval`: mathjs parses and walks its own AST, in
 * a namespace without import, createUnit, nested parse/evaluate or function definitions). The thread's heap and time
 * are bounded and it is terminated at the limit, so `zeros(1e5, 1e5)` or a long computation is the tool's error.
 */
export function evaluateMath(expression: string, limits: MathLimits = MATH_LIMITS): Promise<MathOutcome> {
  if (expression.length > limits.maxExpressionChars)
    return Promise.resolve({ ok: false, message: `the expression is longer than ${limits.maxExpressionChars} characters` });
  const worker = new Worker(WORKER_FILE, { resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb }, execArgv: [] });
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: MathOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate().finally(() => resolve(outcome));
    };
    // The evaluation's own limit starts once mathjs is loaded (which takes a while on a busy machine).
    let timer = setTimeout(() => settle({ ok: false, message: 'the calculator did not start in time' }), START_LIMIT_MS);
    worker.on('message', (m: MathOutcome | { ready: true }) => {
      if (!('ready' in m)) return settle(m);
      clearTimeout(timer);
      timer = setTimeout(
        () => settle({ ok: false, message: `the evaluation took longer than ${limits.timeoutMs} ms; it was stopped` }),
        limits.timeoutMs,
      );
      worker.postMessage({ expression, maxResultChars: limits.maxResultChars });
    });
    worker.once('error', (err: Error & { code?: string }) =>
      settle({
        ok: false,
        message:
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `the evaluation needed more than ${limits.maxMemoryMb} MiB of memory; it was stopped`
            : `the evaluation failed: ${err.message.slice(0, 200)}`,
      }),
    );
    worker.once('exit', (code) => settle({ ok: false, message: `the evaluation stopped unexpectedly (exit code ${code})` }));
  });
}
