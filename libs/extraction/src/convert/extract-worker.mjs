// One conversion in a worker thread (see run-in-worker.ts): the request comes as workerData, the outcome goes back as
// one message, and the thread ends, or is terminated at the time limit by its parent.
import { parentPort, workerData } from 'node:worker_threads';
import { ConversionFailure, convert } from './convert.mjs';

try {
  parentPort.postMessage({ ok: true, result: await convert(workerData) });
} catch (err) {
  const failure = err instanceof ConversionFailure ? err : new ConversionFailure('unreadable', String(err?.message ?? err).slice(0, 200));
  parentPort.postMessage({ ok: false, code: failure.code, message: failure.message });
}
