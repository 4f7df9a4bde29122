/**
 * Where the engine's step time goes, accumulated while a profile is attached (the benchmark attaches one; serving
 * leaves it off, so the hot path pays one undefined check per phase). Milliseconds of the scheduler's thread; with
 * worker threads a matmul counts its wall time on the calling thread, which is what the step waits for.
 */
export class StepProfile {
  /**
   * `decodeOnly`: count only steps in which every sequence adds one generated token (no prompt chunks). `now`: the
   * clock in ms (wall by default; a CPU-time clock keeps comparisons steady on a shared machine).
   */
  constructor(
    readonly decodeOnly = false,
    readonly now: () => number = () => performance.now(),
  ) {}

  /** Scheduler steps run (each one forward pass over the batch). */
  steps = 0;
  /** Rows (tokens) those steps computed, prompt chunks included. */
  rows = 0;
  /** Projection and lm_head matmuls. */
  matmulMs = 0;
  /** Writing K/V into the cache and the attention of every new row. */
  attentionMs = 0;
  /** Embedding lookup, RoPE, RMSNorm, SwiGLU, residual adds. */
  elementwiseMs = 0;
  /** Logits → token: penalties, masks, top-k/top-p, draws, logprobs. */
  samplingMs = 0;
  /** The rest of a step: forming the batch, KV blocks, accepting tokens, stop checks, detokenising, events. */
  schedulingMs = 0;

  /** The phases timed inside a step other than scheduling. */
  get phasesMs(): number {
    return this.matmulMs + this.attentionMs + this.elementwiseMs + this.samplingMs;
  }

  reset(): void {
    this.steps = 0;
    this.rows = 0;
    this.matmulMs = 0;
    this.attentionMs = 0;
    this.elementwiseMs = 0;
    this.samplingMs = 0;
    this.schedulingMs = 0;
  }
}
