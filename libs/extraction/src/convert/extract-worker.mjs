// One task in a worker thread (see run-in-worker.ts): the task comes as workerData, progress (a PDF's pages read) may
// go back as messages, then the outcome as one message, and the thread ends, or is terminated at the time limit by
// its parent. Tasks: `convert` (a document to text), `assemble` (a document's outputs), `image` (rotate or re-encode).
import { parentPort, workerData } from 'node:worker_threads';
import { ConversionFailure, convert } from './convert.mjs';

async function run({ task, progress, ...request }) {
  switch (task) {
    // Loaded by the tasks that need them, so a conversion's worker starts without marked or canvas.
    case 'assemble':
      return (await import('./assemble.mjs')).assemble(request);
    case 'image':
      return await (await import('./image.mjs')).transformImage(request);
    default: {
      const onPage = progress ? (done, total, hasText) => parentPort.postMessage({ progress: [done, total, hasText] }) : undefined;
      return await convert({ ...request, onPage });
    }
  }
}

try {
  parentPort.postMessage({ ok: true, result: await run(workerData) });
} catch (err) {
  const failure = err instanceof ConversionFailure ? err : new ConversionFailure('unreadable', String(err?.message ?? err).slice(0, 200));
  parentPort.postMessage({ ok: false, code: failure.code, message: failure.message });
}
