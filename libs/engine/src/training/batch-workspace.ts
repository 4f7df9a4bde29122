/**
 * One thread's memory for batched training: a copy of the weights, the gradient accumulators and every
 * activation of a micro-batch, all in one shared WebAssembly memory so the SIMD kernels address them by offset.
 * The main thread creates one per thread (so it can add the workers' gradients itself); the layout is a pure
 * function of the model and the capacity, which both sides compute alike. Nothing is allocated per token.
 */
import type { LlamaConfig } from '../contract';
import { Arena } from '../arena';
import {
  instantiateBlocks,
  MAX_WASM_PAGES,
  WASM_PAGE_BYTES,
  wasmApi,
  type WasmBlocks,
  type WasmMemory,
  type WasmModule,
} from '../wasm-runtime';
import { compileAccumulateModule, instantiateAccumulate, type AccumulateBlocks } from './accumulate-kernel';
import { llamaDims, type LlamaDims } from './llama-params';

/** The largest micro-batch a workspace holds: rows (tokens plus soft-prompt rows) and Σ heads·rows² of attention. */
export interface BatchCapacity {
  rows: number;
  probs: number;
}

/** Float offsets of one layer's weights, gradients and activations. */
export interface LayerSlots {
  wqkv: number;
  wo: number;
  wgu: number;
  wdown: number;
  /** The two RMSNorm weights (input, post-attention). */
  wnorm1: number;
  wnorm2: number;
  gq: number;
  gk: number;
  gv: number;
  go: number;
  ggate: number;
  gup: number;
  gdown: number;
  gnorm1: number;
  gnorm2: number;
  xin: number;
  n1: number;
  inv1: number;
  qkv: number;
  probs: number;
  attn: number;
  xmid: number;
  n2: number;
  inv2: number;
  gu: number;
  /** σ(gate), kept from the forward so the backward needs no second exp. */
  sig: number;
  act: number;
}

export interface WorkspaceLayout {
  /**
   * First float of this workspace in its memory. Every offset here is absolute, so several workspaces (and AdamW's
   * tensors) can share one memory and its kernels address any of them.
   */
  base: number;
  dims: LlamaDims;
  capacity: BatchCapacity;
  softPromptRows: number;
  layers: LayerSlots[];
  emb: number;
  /** The final RMSNorm's weight. */
  wfinal: number;
  /** Gradient of the (tied or untied) output head, and of the input embedding (scatter) kept apart, see flush. */
  ghead: number;
  gembIn: number;
  gfinal: number;
  gsoft: number;
  /** First float of the gradient accumulators and their extent (zeroed together). */
  gradStart: number;
  gradEnd: number;
  xout: number;
  fn: number;
  invF: number;
  hRows: number;
  logits: number;
  dx: number;
  dn: number;
  dqkv: number;
  dattn: number;
  dgu: number;
  dact: number;
  dh: number;
  /** One head's [T × T] score gradients, for the SIMD attention backward. */
  dScores: number;
  /** RoPE's cos, sin and −sin as float64 [rows × headDim/2] (two floats each), position = row, for the engine's rope. */
  ropeCos: number;
  ropeSin: number;
  ropeNegSin: number;
  floats: number;
}

const alignFloats = (n: number): number => Math.ceil(n / 16) * 16;

export function workspaceLayout(config: LlamaConfig, capacity: BatchCapacity, softPromptRows: number, base = 0): WorkspaceLayout {
  const d = llamaDims(config);
  const { hidden: H, inter: I, qDim, kvDim, vocab: V } = d;
  const N = capacity.rows;
  const QKV = qDim + 2 * kvDim;
  let used = alignFloats(base);
  const take = (n: number): number => {
    const at = used;
    used += alignFloats(n); // 64-byte aligned, as the engine's arena
    return at;
  };
  const layers: LayerSlots[] = [];
  const weights = Array.from({ length: d.layers }, () => ({
    wqkv: take(QKV * H),
    wo: take(H * qDim),
    wgu: take(2 * I * H),
    wdown: take(H * I),
    wnorm1: take(H),
    wnorm2: take(H),
  }));
  const emb = take(V * H);
  const wfinal = take(H);
  const gradStart = used;
  const grads = Array.from({ length: d.layers }, () => ({
    gq: take(qDim * H),
    gk: take(kvDim * H),
    gv: take(kvDim * H),
    go: take(H * qDim),
    ggate: take(I * H),
    gup: take(I * H),
    gdown: take(H * I),
    gnorm1: take(H),
    gnorm2: take(H),
  }));
  const ghead = take(V * H);
  const gembIn = take(V * H);
  const gfinal = take(H);
  const gsoft = take(softPromptRows * H);
  const gradEnd = used;
  for (let l = 0; l < d.layers; l++) {
    layers.push({
      ...weights[l],
      ...grads[l],
      xin: take(N * H),
      n1: take(N * H),
      inv1: take(N),
      qkv: take(N * QKV),
      probs: take(capacity.probs),
      attn: take(N * qDim),
      xmid: take(N * H),
      n2: take(N * H),
      inv2: take(N),
      gu: take(N * 2 * I),
      sig: take(N * I),
      act: take(N * I),
    });
  }
  return {
    base: alignFloats(base),
    dims: d,
    capacity,
    softPromptRows,
    layers,
    emb,
    wfinal,
    ghead,
    gembIn,
    gfinal,
    gsoft,
    gradStart,
    gradEnd,
    xout: take(N * H),
    fn: take(N * H),
    invF: take(N),
    hRows: take(N * H),
    logits: take(N * V),
    dx: take(N * H),
    dn: take(N * H),
    dqkv: take(N * QKV),
    dattn: take(N * qDim),
    dgu: take(N * 2 * I),
    dact: take(N * I),
    dh: take(N * H),
    dScores: take(Math.ceil(capacity.probs / d.heads)), // ≥ T² for the longest sequence
    ropeCos: take(N * d.headDim),
    ropeSin: take(N * d.headDim),
    ropeNegSin: take(N * d.headDim),
    floats: used,
  };
}

/** What workspaces in `arena` share: its memory, the engine's module and the trainer's (compiled for its pages). */
function arenaHandle(arena: Arena): WorkspaceHandle {
  const pages = arena.buffer.byteLength / WASM_PAGE_BYTES;
  const accumulateModule = arena.memory ? compileAccumulateModule(pages, arena.fused) : undefined;
  return { buffer: arena.buffer, memory: arena.memory, module: arena.module, accumulateModule };
}

/** The weights version the DPO reference pass loads under: never a training step's, so the first step copies its own. */
export const REFERENCE_WEIGHTS = -2;

/** What a worker needs to open a workspace the main thread created. */
export interface WorkspaceHandle {
  buffer: SharedArrayBuffer;
  memory?: WasmMemory;
  module?: WasmModule;
  accumulateModule?: WasmModule;
}

export class BatchWorkspace {
  readonly heap: Float32Array;
  readonly matmul?: WasmBlocks;
  readonly acc?: AccumulateBlocks;
  /** The weights version last copied in (see BatchedPass.loadWeights): none yet, a training step's, or REFERENCE_WEIGHTS. */
  weightsVersion = -1;

  constructor(
    readonly layout: WorkspaceLayout,
    readonly handle: WorkspaceHandle,
  ) {
    this.heap = new Float32Array(handle.buffer);
    if (handle.memory && handle.module && handle.accumulateModule) {
      this.matmul = instantiateBlocks(handle.module, handle.memory);
      this.acc = instantiateAccumulate(handle.accumulateModule, handle.memory);
    }
  }

  /** A new workspace in its own memory (wasm when available, else a plain SharedArrayBuffer and the JS kernels). */
  static create(config: LlamaConfig, capacity: BatchCapacity, softPromptRows: number): BatchWorkspace {
    const layout = workspaceLayout(config, capacity, softPromptRows);
    return new BatchWorkspace(layout, arenaHandle(new Arena(layout.floats * 4)));
  }

  /**
   * One workspace per thread, all in one memory after `headFloats` floats left to the caller (AdamW's tensors, so the
   * gradient flush adds every thread's accumulators into their sinks with one kernel); each in its own memory where
   * one would be too large for wasm32 or wasm is missing (`memory` then undefined).
   */
  static createAll(
    config: LlamaConfig,
    capacity: BatchCapacity,
    softPromptRows: number,
    threads: number,
    headFloats: number,
  ): { workspaces: BatchWorkspace[]; memory?: WasmMemory } {
    const layouts: WorkspaceLayout[] = [];
    for (let k = 0, base = headFloats; k < threads; k++) {
      layouts.push(workspaceLayout(config, capacity, softPromptRows, base));
      base = layouts[k].floats;
    }
    const floats = layouts[threads - 1].floats;
    const arena = wasmApi && floats * 4 <= MAX_WASM_PAGES * WASM_PAGE_BYTES ? new Arena(floats * 4) : undefined;
    if (!arena?.memory) return { workspaces: layouts.map(() => BatchWorkspace.create(config, capacity, softPromptRows)) };
    const handle = arenaHandle(arena);
    return { workspaces: layouts.map((layout) => new BatchWorkspace(layout, handle)), memory: arena.memory };
  }

  view(offset: number, length: number): Float32Array {
    return this.heap.subarray(offset, offset + length);
  }

  zeroGrads(): void {
    this.heap.fill(0, this.layout.gradStart, this.layout.gradEnd);
  }
}

/**
 * Capacity for micro-batches of up to `batchSize` of these sequence lengths (soft-prompt rows included): the
 * `batchSize` longest ones, which bounds any thread's share of any micro-batch.
 */
export function batchCapacity(lengths: readonly number[], batchSize: number, heads: number): BatchCapacity {
  const top = [...lengths].sort((a, b) => b - a).slice(0, Math.max(1, batchSize));
  return {
    rows: Math.max(
      1,
      top.reduce((n, t) => n + t, 0),
    ),
    probs: Math.max(
      1,
      top.reduce((n, t) => n + heads * t * t, 0),
    ),
  };
}
