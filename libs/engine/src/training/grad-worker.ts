import { parentPort, workerData } from 'node:worker_threads';
import type { LlamaConfig } from '../contract';
import { BatchedPass } from './batched-pass';
import { BatchWorkspace, REFERENCE_WEIGHTS, workspaceLayout, type BatchCapacity, type WorkspaceHandle } from './batch-workspace';
import { dpoBatched, dpoForwardBackward, type ReferenceLogProbs } from './dpo';
import { forwardBackward, type ForwardBackwardOptions } from './forward-backward';
import { flushGradients } from './grad-flush';
import type { WasmMemory } from '../wasm-runtime';
import type { AdamWKernel } from './adamw-kernel';
import { adamWKernel, applyAdamW, type AdamWStep, type AdamWTensor } from './optimizer';
import type { ParamMap } from './tensor';

/**
 * A view of memory the threads share (a SharedArrayBuffer, or a shared wasm memory's): posting it shares the memory,
 * so a worker uses the view it receives as it is.
 */
export type SharedView = Float32Array;

/** Tensors by name, in memory the threads share. */
export type SharedTensors = [string, number[], SharedView][];

/** What a gradient worker is given once: views of the shared weights and its own gradient sinks. */
export interface GradWorkerInit {
  config: LlamaConfig;
  params: SharedTensors;
  grads: SharedTensors;
  softPrompt?: SharedView;
  softPromptGrad?: SharedView;
  /**
   * Batched path: every thread's workspace (created by the main thread; this worker's is `handles[index]`) and the
   * main thread's sinks, which the threads fill together by element range (see grad-flush.ts).
   */
  workspace?: {
    handles: WorkspaceHandle[];
    /** Each workspace's first float (its layout's base: one memory may hold them all). */
    bases: number[];
    index: number;
    capacity: BatchCapacity;
    softPromptRows: number;
    sinks: SharedTensors;
    softPromptSink?: SharedView;
  };
}

/** Forward/backward of sequences (or DPO pairs) into this worker's sinks or workspace. */
export interface SequenceJob {
  id: number;
  seqs: { ids: number[]; lossMask: Uint8Array }[];
  gradScale: number;
  /** Run `seqs` (or `pairs`) batched in the workspace, with the weights of this version (copied in when it changed). */
  batched?: number;
  /** DPO: preference pairs with their reference log-probabilities, run instead of `seqs`. */
  pairs?: { chosen: WireSequence; rejected: WireSequence; ref: ReferenceLogProbs }[];
  beta?: number;
}

/** This worker's part of the step's gradient flush (see grad-flush.ts). */
export interface FlushJob {
  id: number;
  flush: { part: number; parts: number };
}

/**
 * This worker's part of an optimizer update; the first one carries the tensors (and the wasm memory they live in when
 * the update runs as a kernel), kept for the later ones.
 */
export interface UpdateJob {
  id: number;
  update: { step: AdamWStep; part: number; parts: number };
  optimizer?: { tensors: AdamWTensor[]; memory?: WasmMemory };
}

/**
 * The DPO reference's losses of `seqs` (both answers of each pair of a chunk), forward only, under the reference's
 * weights (shared tensors: the training weights, or a copy when the reference differs) and soft prompt.
 */
export interface ReferenceJob {
  id: number;
  reference: { params: SharedTensors; softPrompt?: SharedView; seqs: WireSequence[] };
}

export type GradWorkerJob = SequenceJob | FlushJob | UpdateJob | ReferenceJob;

type WireSequence = { ids: number[]; lossMask: Uint8Array };

export interface GradWorkerReply {
  id: number;
  lossSum: number;
  /** DPO: summed reward margins of the pairs. */
  marginSum?: number;
  /** A reference job: each sequence's summed loss (−log p of its scored tokens). */
  losses?: number[];
  error?: string;
}

/** Runs forward/backward for the sequences it is sent, and its part of each step's gradient flush and optimizer update. */
function serve(): void {
  const port = parentPort;
  if (!port) return;
  const init = workerData as GradWorkerInit;
  const params: ParamMap = new Map(init.params.map(([n, shape, data]) => [n, { shape, data }]));
  const grads: ParamMap = new Map(init.grads.map(([n, shape, data]) => [n, { shape, data }]));
  const options: ForwardBackwardOptions = {
    grads: grads.size > 0 ? grads : undefined,
    softPrompt: init.softPrompt,
    softPromptGrad: init.softPromptGrad,
  };
  const ws = init.workspace;
  const layouts = ws?.bases.map((base) => workspaceLayout(init.config, ws.capacity, ws.softPromptRows, base));
  const workspace = ws && layouts && new BatchWorkspace(layouts[ws.index], ws.handles[ws.index]);
  const pass = workspace && new BatchedPass(init.config, workspace);
  const heaps = ws?.handles.map((h) => new Float32Array(h.buffer)) ?? [];
  const sinks = ws && {
    grads: new Map(ws.sinks.map(([n, shape, data]) => [n, { shape, data }])),
    softPromptGrad: ws.softPromptSink,
  };
  let optimizer: AdamWTensor[] = [];
  let kernel: AdamWKernel | undefined;
  port.on('message', (job: GradWorkerJob) => {
    try {
      if ('flush' in job) {
        if (!layouts || !sinks) throw new Error('flush job without a workspace');
        flushGradients(layouts, heaps, sinks, job.flush.part, job.flush.parts, workspace?.acc);
        port.postMessage({ id: job.id, lossSum: 0 } satisfies GradWorkerReply);
        return;
      }
      if ('reference' in job) {
        if (!pass) throw new Error('reference job without a workspace');
        const { reference } = job;
        const refParams: ParamMap = new Map(reference.params.map(([n, shape, data]) => [n, { shape, data }]));
        pass.loadWeights(refParams, REFERENCE_WEIGHTS);
        const losses = Array.from(pass.forward(refParams, reference.seqs, { softPrompt: reference.softPrompt }));
        port.postMessage({ id: job.id, lossSum: 0, losses } satisfies GradWorkerReply);
        return;
      }
      if ('update' in job) {
        if (job.optimizer) {
          optimizer = job.optimizer.tensors;
          kernel = job.optimizer.memory && adamWKernel(job.optimizer.memory);
        }
        applyAdamW(optimizer, job.update.step, job.update.part, job.update.parts, kernel);
        port.postMessage({ id: job.id, lossSum: 0 } satisfies GradWorkerReply);
        return;
      }
      if (job.pairs && job.batched !== undefined) {
        if (!pass) throw new Error('batched job without a workspace');
        pass.loadWeights(params, job.batched);
        const items = job.pairs.map((p) => ({ pair: p, ref: p.ref }));
        const r = dpoBatched(pass, params, items, job.beta ?? 0, job.gradScale, options);
        port.postMessage({ id: job.id, ...r } satisfies GradWorkerReply);
        return;
      }
      if (job.batched !== undefined) {
        if (!pass) throw new Error('batched job without a workspace');
        pass.loadWeights(params, job.batched);
        const seqs = job.seqs.map((s) => ({ ids: s.ids, lossMask: s.lossMask }));
        const lossSum = pass.run(params, seqs, job.gradScale, options);
        port.postMessage({ id: job.id, lossSum } satisfies GradWorkerReply);
        return;
      }
      if (job.pairs) {
        let lossSum = 0;
        let marginSum = 0;
        for (const p of job.pairs) {
          const r = dpoForwardBackward(init.config, params, { pair: p, ref: p.ref }, job.beta ?? 0, {
            ...options,
            gradScale: job.gradScale,
          });
          lossSum += r.loss;
          marginSum += r.margin;
        }
        port.postMessage({ id: job.id, lossSum, marginSum } satisfies GradWorkerReply);
        return;
      }
      let lossSum = 0;
      for (const seq of job.seqs) lossSum += forwardBackward(init.config, params, seq, { ...options, gradScale: job.gradScale }).lossSum;
      port.postMessage({ id: job.id, lossSum } satisfies GradWorkerReply);
    } catch (e) {
      port.postMessage({ id: job.id, lossSum: 0, error: e instanceof Error ? e.stack : String(e) } satisfies GradWorkerReply);
    }
  });
}

serve();
