import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LlamaConfig } from '../contract';
import { BatchedPass } from './batched-pass';
import { REFERENCE_WEIGHTS, type BatchWorkspace } from './batch-workspace';
import { dpoBatched, dpoForwardBackward, pairLogProbs, type DpoItem, type ReferenceLogProbs } from './dpo';
import { forwardBackward, type ForwardBackwardOptions, type TrainSequence } from './forward-backward';
import { flushGradients } from './grad-flush';
import type { FlushJob, GradWorkerInit, GradWorkerJob, GradWorkerReply, ReferenceJob, SharedView, UpdateJob } from './grad-worker';
import { applyAdamW, type AdamW } from './optimizer';
import type { PreferencePair } from './preference-data';
import { sharedFloat32, type ParamMap } from './tensor';

/** `a` itself, which a worker then shares: it must already live in shared memory (a SharedArrayBuffer or wasm memory). */
function mustBeShared(a: Float32Array, what: string): SharedView {
  if (!(a.buffer instanceof SharedArrayBuffer)) throw new Error(`GradPool: ${what} must live in shared memory`);
  return a;
}

/** `a` as a worker can read it: itself when shared, or a shared copy. */
function sharedView(a: Float32Array): SharedView {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const copy = sharedFloat32(a.length);
  copy.set(a);
  return copy;
}

function wire(s: TrainSequence): { ids: number[]; lossMask: Uint8Array } {
  return { ids: s.ids, lossMask: s.lossMask };
}

/**
 * Data parallelism over threads: each micro-batch is split by token count between the calling thread and
 * `threads - 1` workers. Workers read the shared weights and write private gradient sinks, which `reduce()`
 * adds into the main sinks in a fixed order, so a run is deterministic for a given thread count.
 *
 * Given workspaces (one per thread, `BatchWorkspace.createAll`), sequences run batched (`batched-pass.ts`): each
 * thread packs its share of a micro-batch into its own workspace, whose gradient accumulators `reduce()` adds into
 * the main sinks (main thread first, then the workers in order); preference pairs (DPO) too, both answers of a
 * thread's pairs in one pass (dpoBatched).
 */
export class GradPool {
  private readonly workers: Worker[] = [];
  private readonly sinks: { grads: ParamMap; softPromptGrad?: Float32Array }[] = [];
  private readonly pending = new Map<number, { resolve: (r: GradWorkerReply) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  /** Batched path: the pass that runs here, and every thread's workspace (this thread's first). */
  private readonly pass?: BatchedPass;
  private readonly workspaces: BatchWorkspace[] = [];
  /** The optimizer whose tensors the workers were sent (with their first update). */
  private optimizerSent?: AdamW;
  /** Bumped by reduce(): the weights change after every optimizer step, and the workspaces copy them again. */
  private weightsVersion = 0;

  constructor(
    readonly threads: number,
    private readonly config: LlamaConfig,
    private readonly params: ParamMap,
    private readonly options: ForwardBackwardOptions,
    workspaces?: readonly BatchWorkspace[],
  ) {
    if (workspaces) {
      if (workspaces.length !== threads) throw new Error(`GradPool: ${workspaces.length} workspaces for ${threads} threads`);
      this.workspaces = [...workspaces];
      this.pass = new BatchedPass(config, this.workspaces[0]);
    }
    for (let t = 1; t < threads; t++) {
      const grads: ParamMap = new Map();
      for (const [n, g] of options.grads ?? []) grads.set(n, { shape: g.shape, data: sharedFloat32(g.data.length) });
      const softPromptGrad = options.softPromptGrad ? sharedFloat32(options.softPromptGrad.length) : undefined;
      this.sinks.push({ grads, softPromptGrad });
      const init: GradWorkerInit = {
        config,
        params: [...params].map(([n, p]) => [n, p.shape, mustBeShared(p.data, n)]),
        grads: [...grads].map(([n, g]) => [n, g.shape, mustBeShared(g.data, n)]),
        softPrompt: options.softPrompt ? mustBeShared(options.softPrompt, 'soft prompt') : undefined,
        softPromptGrad: softPromptGrad ? mustBeShared(softPromptGrad, 'soft prompt grad') : undefined,
        workspace: workspaces
          ? {
              handles: this.workspaces.map((w) => w.handle),
              bases: this.workspaces.map((w) => w.layout.base),
              index: t,
              capacity: workspaces[0].layout.capacity,
              softPromptRows: workspaces[0].layout.softPromptRows,
              sinks: [...(options.grads ?? [])].map(([n, g]) => [n, g.shape, mustBeShared(g.data, n)]),
              softPromptSink: options.softPromptGrad ? mustBeShared(options.softPromptGrad, 'soft prompt grad') : undefined,
            }
          : undefined,
      };
      const worker = spawnWorker(init);
      worker.on('message', (r: GradWorkerReply) => {
        const p = this.pending.get(r.id);
        this.pending.delete(r.id);
        if (r.error) p?.reject(new Error(`gradient worker: ${r.error}`));
        else p?.resolve(r);
      });
      worker.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      this.workers.push(worker);
    }
  }

  /** Forward/backward of one micro-batch; returns its summed loss. Gradients land in the sinks. */
  async run(batch: readonly TrainSequence[], gradScale: number): Promise<number> {
    if (this.pass) return this.runBatched(batch, gradScale);
    if (this.workers.length === 0) {
      // Single-threaded: keep the batch order, so gradient accumulation sums exactly as one big batch would.
      let sum = 0;
      for (const s of batch) sum += forwardBackward(this.config, this.params, s, { ...this.options, gradScale }).lossSum;
      await new Promise((r) => setImmediate(r)); // let an abort signal or metrics consumer run
      return sum;
    }
    const parts = this.split(batch, (s) => s.ids.length);
    const replies = this.sendParts(parts, gradScale, undefined);
    let lossSum = 0;
    for (const s of parts[0]) lossSum += forwardBackward(this.config, this.params, s, { ...this.options, gradScale }).lossSum;
    for (const r of await Promise.all(replies)) lossSum += r;
    return lossSum;
  }

  private async runBatched(batch: readonly TrainSequence[], gradScale: number): Promise<number> {
    const pass = this.pass!;
    const version = this.weightsVersion;
    const local = (seqs: readonly TrainSequence[]): number => {
      if (seqs.length === 0) return 0;
      pass.loadWeights(this.params, version);
      return pass.run(this.params, seqs, gradScale, this.options);
    };
    if (this.workers.length === 0) {
      const sum = local(batch);
      await new Promise((r) => setImmediate(r)); // let an abort signal or metrics consumer run
      return sum;
    }
    const parts = this.split(batch, (s) => s.ids.length);
    const replies = this.sendParts(parts, gradScale, version);
    let lossSum = local(parts[0]);
    for (const r of await Promise.all(replies)) lossSum += r;
    return lossSum;
  }

  /** Hands parts[k + 1] to worker k (parts[0] stays on this thread); each reply is that part's summed loss. */
  private sendParts(parts: readonly (readonly TrainSequence[])[], gradScale: number, batched: number | undefined): Promise<number>[] {
    return this.workers.map((w, k) => {
      const seqs = parts[k + 1];
      if (seqs.length === 0) return Promise.resolve(0);
      const id = this.nextId++;
      const job: GradWorkerJob = { id, seqs: seqs.map(wire), gradScale, batched };
      return new Promise<number>((resolve, reject) => {
        this.pending.set(id, { resolve: (r) => resolve(r.lossSum), reject });
        w.postMessage(job);
      });
    });
  }

  /**
   * DPO forward/backward of a micro-batch of preference pairs (batched, see dpoBatched; else a pair at a time, see
   * dpoForwardBackward); returns the summed pair losses and reward margins. Gradients land in the sinks, as with run().
   */
  async runPairs(batch: readonly DpoItem[], beta: number, gradScale: number): Promise<{ lossSum: number; marginSum: number }> {
    const version = this.weightsVersion;
    const batched = this.pass;
    const local = (items: readonly DpoItem[]): { lossSum: number; marginSum: number } => {
      if (batched) {
        if (items.length > 0) batched.loadWeights(this.params, version);
        return dpoBatched(batched, this.params, items, beta, gradScale, this.options);
      }
      let lossSum = 0;
      let marginSum = 0;
      for (const it of items) {
        const r = dpoForwardBackward(this.config, this.params, it, beta, { ...this.options, gradScale });
        lossSum += r.loss;
        marginSum += r.margin;
      }
      return { lossSum, marginSum };
    };
    if (this.workers.length === 0) {
      const r = local(batch);
      await new Promise((res) => setImmediate(res)); // let an abort signal or metrics consumer run
      return r;
    }
    const parts = this.split(batch, (it) => it.pair.chosen.ids.length + it.pair.rejected.ids.length);
    const replies = this.workers.map((w, k) => {
      const items = parts[k + 1];
      if (items.length === 0) return Promise.resolve({ lossSum: 0, marginSum: 0 });
      const id = this.nextId++;
      const job: GradWorkerJob = {
        id,
        seqs: [],
        gradScale,
        beta,
        pairs: items.map((it) => ({ chosen: wire(it.pair.chosen), rejected: wire(it.pair.rejected), ref: it.ref })),
        batched: batched ? version : undefined,
      };
      return new Promise<{ lossSum: number; marginSum: number }>((resolve, reject) => {
        this.pending.set(id, { resolve: (r) => resolve({ lossSum: r.lossSum, marginSum: r.marginSum ?? 0 }), reject });
        w.postMessage(job);
      });
    });
    const total = local(parts[0]);
    for (const r of await Promise.all(replies)) {
      total.lossSum += r.lossSum;
      total.marginSum += r.marginSum;
    }
    return total;
  }

  /**
   * Summed log-probabilities of both answers of each pair under `params` (and a soft prompt), no gradient: the DPO
   * reference, computed once. Batched when the pool is, `chunk` pairs at a time, each thread taking whole chunks in
   * turn (a workspace holds a micro-batch), with a turn of the event loop after each round; a sequence's loss does not
   * depend on what it is batched with, so a policy still equal to the reference scores exactly the same.
   */
  async referenceLogProbs(
    pairs: readonly PreferencePair[],
    params: ParamMap,
    softPrompt: Float32Array | undefined,
    chunk: number,
  ): Promise<ReferenceLogProbs[]> {
    const pass = this.pass;
    if (!pass) return pairs.map((pair) => pairLogProbs(this.config, params, pair, softPrompt));
    const out: ReferenceLogProbs[] = [];
    const put = (losses: ArrayLike<number>): void => {
      for (let k = 0; k < losses.length; k += 2) out.push({ chosen: -losses[k], rejected: -losses[k + 1] });
    };
    const answers = (at: number): TrainSequence[] => pairs.slice(at, at + chunk).flatMap((p) => [p.chosen, p.rejected]);
    const shared: Omit<ReferenceJob['reference'], 'seqs'> | undefined =
      this.workers.length > 0
        ? { params: [...params].map(([n, p]) => [n, p.shape, sharedView(p.data)]), softPrompt: softPrompt && sharedView(softPrompt) }
        : undefined;
    for (let at = 0; at < pairs.length; at += this.threads * chunk) {
      const replies = this.workers.map((w, k) => {
        const seqs = answers(at + (k + 1) * chunk);
        if (seqs.length === 0 || !shared) return Promise.resolve<number[]>([]);
        return this.call(w, { reference: { ...shared, seqs: seqs.map(wire) } }).then((r) => r.losses ?? []);
      });
      pass.loadWeights(params, REFERENCE_WEIGHTS);
      put(pass.forward(params, answers(at), { softPrompt }));
      for (const losses of await Promise.all(replies)) put(losses);
      if (this.workers.length === 0) await new Promise((r) => setImmediate(r)); // let an abort signal or metrics consumer run
    }
    return out;
  }

  /** Longest first onto the least-loaded part (cost grows a little faster than length, so this balances well). */
  private split<T>(batch: readonly T[], size: (item: T) => number): T[][] {
    const parts: T[][] = Array.from({ length: this.threads }, () => []);
    const load = new Array<number>(this.threads).fill(0);
    const order = batch.map((_, i) => i).sort((a, b) => size(batch[b]) - size(batch[a]) || a - b);
    for (const i of order) {
      let best = 0;
      for (let p = 1; p < this.threads; p++) if (load[p] < load[best]) best = p;
      parts[best].push(batch[i]);
      load[best] += size(batch[i]);
    }
    return parts;
  }

  /**
   * Adds every worker's gradients into the main sinks and clears them; call once per optimizer step. Batched, every
   * thread flushes its part of every tensor (see grad-flush.ts).
   */
  async reduce(): Promise<void> {
    this.weightsVersion++;
    if (this.pass) {
      const heaps = this.workspaces.map((w) => w.heap);
      const parts = this.workers.map((w, k) => this.call(w, { flush: { part: k + 1, parts: this.threads } }));
      const layouts = this.workspaces.map((w) => w.layout);
      flushGradients(layouts, heaps, this.options, 0, this.threads, this.workspaces[0].acc);
      await Promise.all(parts);
      return;
    }
    for (const sink of this.sinks) {
      for (const [n, g] of sink.grads) {
        const dst = this.options.grads?.get(n)?.data;
        if (!dst) continue;
        const src = g.data;
        for (let i = 0; i < src.length; i++) dst[i] += src[i];
        src.fill(0);
      }
      if (sink.softPromptGrad && this.options.softPromptGrad) {
        const dst = this.options.softPromptGrad;
        for (let i = 0; i < dst.length; i++) dst[i] += sink.softPromptGrad[i];
        sink.softPromptGrad.fill(0);
      }
    }
  }

  /**
   * One optimizer step (see AdamW.next), every thread updating its part of every tensor: at this point of a step
   * the work is bound by memory traffic, which two cores move faster than one. Tensors in memory a worker cannot
   * share are updated here alone.
   */
  async update(optimizer: AdamW, lr: number, gradScale: number): Promise<void> {
    const step = optimizer.next(lr, gradScale);
    if (this.workers.length === 0 || !optimizer.shared) {
      applyAdamW(optimizer.tensors, step, 0, 1, optimizer.kernel);
      return;
    }
    const sent = this.optimizerSent === optimizer ? undefined : { tensors: [...optimizer.tensors], memory: optimizer.memory };
    this.optimizerSent = optimizer;
    const parts = this.workers.map((w, k) => this.call(w, { update: { step, part: k + 1, parts: this.threads }, optimizer: sent }));
    applyAdamW(optimizer.tensors, step, 0, this.threads, optimizer.kernel);
    await Promise.all(parts);
  }

  private call(w: Worker, job: Omit<FlushJob, 'id'> | Omit<UpdateJob, 'id'> | Omit<ReferenceJob, 'id'>): Promise<GradWorkerReply> {
    const id = this.nextId++;
    return new Promise<GradWorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, ...job } satisfies GradWorkerJob);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Workers run the TypeScript sources through @swc-node/register, as the rest of the project does; a compiled
 * build (a .js beside this file) is used as-is.
 */
function spawnWorker(init: GradWorkerInit): Worker {
  const js = join(__dirname, 'grad-worker.js');
  if (existsSync(js)) return new Worker(js, { workerData: init });
  const register = require.resolve('@swc-node/register');
  return new Worker(join(__dirname, 'grad-worker.ts'), { workerData: init, execArgv: ['-r', register] });
}
