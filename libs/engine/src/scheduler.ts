import type { EngineStats, FinishReason, GenerationEvent, TokenLogprob } from './contract';
import type { ForwardSeq, LlamaModel } from './model';
import { describeToken, logSoftmax, NOTHING_ALLOWED, type Pick, sampleNext } from './sampler';
import type { EmbedSequence, GenerateSequence, Sequence } from './sequence';
import type { StepProfile } from './step-profile';

/**
 * Continuous batching: every step re-forms the batch. Running sequences each get their next token (or
 * next prompt chunk), waiting sequences are admitted FCFS while there is room in the token budget, the
 * sequence cap and the KV cache, and anything finished or aborted leaves before the next step. When the KV
 * cache runs dry mid-decode the most recently admitted sequence is preempted (blocks freed, recomputed
 * later from its tokens), as vLLM does.
 */

export interface SchedulerOptions {
  maxNumSeqs: number;
  maxModelLen: number;
  eosTokenIds: number[];
  tokenText: (id: number) => string;
}

export class Scheduler {
  readonly waiting: Sequence[] = [];
  readonly running: Sequence[] = [];
  promptTokensTotal = 0;
  generationTokensTotal = 0;
  preemptions = 0;
  steps = 0;
  private looping = false;
  private closed = false;
  private stepProfile?: StepProfile;

  constructor(
    private readonly model: LlamaModel,
    private readonly opts: SchedulerOptions,
  ) {}

  stats(): EngineStats {
    return {
      running: this.running.length,
      waiting: this.waiting.length,
      kvCacheUsage: this.model.kv.usage,
      promptTokensTotal: this.promptTokensTotal,
      generationTokensTotal: this.generationTokensTotal,
    };
  }

  /** Time every step's phases into `p` (the model's too); undefined stops. */
  set profile(p: StepProfile | undefined) {
    this.stepProfile = p;
  }

  get profile(): StepProfile | undefined {
    return this.stepProfile;
  }

  add(seq: Sequence): void {
    if (this.closed) throw new Error('model is closed');
    this.waiting.push(seq);
    this.kick();
  }

  /** Wake the loop (new work or an abort to process). */
  kick(): void {
    if (this.looping || this.closed) return;
    this.looping = true;
    setImmediate(() => this.loop());
  }

  /** One step per macrotask so sockets, timers and abort signals are served between steps. */
  private loop(): void {
    if (this.closed) return;
    try {
      this.step();
    } catch (err) {
      for (const s of [...this.running, ...this.waiting]) this.fail(s, err);
      this.running.length = 0;
      this.waiting.length = 0;
    }
    if (this.running.length > 0 || this.waiting.length > 0) setImmediate(() => this.loop());
    else this.looping = false;
  }

  step(): void {
    const t0 = this.stepProfile?.now() ?? 0;
    this.reap();
    const batch = this.schedule();
    if (batch.length === 0) return;
    this.steps++;
    const profile = this.profiled(batch);
    this.model.profile = profile;
    const before = profile?.phasesMs ?? 0;
    const entries: ForwardSeq[] = batch.map(({ seq, n }) => {
      const reachesEnd = seq.computed + n === seq.tokens.length;
      const wantsPromptLogprobs = seq.kind === 'generate' && seq.promptLogprobs !== undefined && !seq.promptLogprobsDone;
      return {
        tokens: seq.tokens.slice(seq.computed, seq.computed + n),
        startPos: seq.computed,
        blocks: seq.blocks,
        logits: wantsPromptLogprobs ? 'all' : reachesEnd && seq.kind === 'generate' ? 'last' : 'none',
        hidden: seq.kind === 'embed',
      };
    });
    const picks = new Map<GenerateSequence, Pick>();
    this.model.forward(
      entries,
      (si, row, logits) => {
        const t0 = profile?.now() ?? 0;
        this.onLogits(batch[si], row, logits, picks);
        if (profile) profile.samplingMs += profile.now() - t0;
      },
      (si, row, hidden) => {
        const seq = batch[si].seq;
        if (seq.kind !== 'embed' || seq.computed + row < seq.prefixLen) return;
        for (let i = 0; i < hidden.length; i++) seq.sum[i] += hidden[i];
      },
    );
    for (const { seq, n } of batch) {
      const before = seq.computed;
      seq.computed += n;
      // Prompt rows run this step, a soft prompt's virtual tokens left out (a preempted sequence's again when recomputed).
      this.promptTokensTotal += Math.max(0, Math.min(seq.computed, seq.promptLen) - Math.max(before, seq.prefixLen));
      if (seq.kind === 'embed') {
        if (seq.computed === seq.tokens.length) this.finishEmbed(seq);
        continue;
      }
      if (seq.promptLogprobs && before + n >= seq.promptLen) seq.promptLogprobsDone = true;
      const pick = picks.get(seq);
      if (pick) this.accept(seq, pick);
    }
    this.evictDone();
    if (profile) {
      profile.steps++;
      for (const { n } of batch) profile.rows += n;
      profile.schedulingMs += profile.now() - t0 - (profile.phasesMs - before);
    }
  }

  /** The profile this step's times go to: none, or a decode-only profile skipping steps that run prompt tokens. */
  private profiled(batch: { seq: Sequence; n: number }[]): StepProfile | undefined {
    const p = this.stepProfile;
    if (!p || !p.decodeOnly) return p;
    return batch.every(({ seq, n }) => n === 1 && seq.computed + 1 === seq.tokens.length && seq.computed >= seq.promptLen) ? p : undefined;
  }

  /** One row of logits: prompt logprobs owed for it, and the next token when it is the sequence's last. */
  private onLogits({ seq, n }: { seq: Sequence; n: number }, row: number, logits: Float32Array, picks: Map<GenerateSequence, Pick>): void {
    if (seq.kind !== 'generate') return;
    const pos = seq.computed + row;
    // Virtual tokens are not predicted: the caller's first token has none, as without a soft prompt.
    if (seq.promptLogprobs && !seq.promptLogprobsDone && pos >= seq.prefixLen && pos + 1 < seq.promptLen) {
      const lp = describeToken(logSoftmax(logits), seq.tokens[pos + 1], seq.params.promptLogprobs ?? 0);
      seq.promptLogprobs.push(this.toTokenLogprob(lp));
    }
    if (row === n - 1 && seq.computed + n === seq.tokens.length) picks.set(seq, sampleNext(logits, seq.sampler));
  }

  /** Drops aborted sequences from both queues, telling their consumers. */
  private reap(): void {
    for (const list of [this.waiting, this.running]) {
      for (const seq of list) {
        if (seq.aborted && !seq.done) this.finish(seq, 'abort');
      }
    }
    this.evictDone();
  }

  private evictDone(): void {
    for (const list of [this.waiting, this.running]) {
      let w = 0;
      for (const seq of list) {
        if (seq.done) this.model.kv.release(seq.blocks);
        else list[w++] = seq;
      }
      list.length = w;
    }
  }

  private schedule(): { seq: Sequence; n: number }[] {
    const kv = this.model.kv;
    let budget = this.model.maxBatchTokens;
    const batch: { seq: Sequence; n: number }[] = [];
    let preempted = false;
    for (let i = 0; i < this.running.length && budget > 0; i++) {
      const seq = this.running[i];
      const n = Math.min(seq.tokens.length - seq.computed, budget);
      if (n <= 0) continue;
      let ok = kv.ensure(seq.blocks, seq.computed + n);
      while (!ok) {
        const victim = this.running[this.running.length - 1];
        this.preempt(victim);
        preempted = true;
        if (victim === seq) break;
        ok = kv.ensure(seq.blocks, seq.computed + n);
      }
      if (!ok) break; // seq itself was preempted; everything after it too
      batch.push({ seq, n });
      budget -= n;
    }
    // Admitting right after a preemption would just thrash the cache.
    while (!preempted && budget > 0 && this.waiting.length > 0 && this.running.length < this.opts.maxNumSeqs) {
      const seq = this.waiting[0];
      // Reserve the whole known sequence so a long prompt split over steps cannot stall half-way.
      if (kv.freeBlocks < kv.blocksFor(seq.tokens.length + (seq.kind === 'generate' ? 1 : 0)) - seq.blocks.length) break;
      kv.ensure(seq.blocks, seq.tokens.length);
      this.waiting.shift();
      this.running.push(seq);
      const n = Math.min(seq.tokens.length - seq.computed, budget);
      batch.push({ seq, n });
      budget -= n;
    }
    return batch;
  }

  private preempt(seq: Sequence): void {
    this.preemptions++;
    this.model.kv.release(seq.blocks);
    seq.computed = 0;
    if (seq.kind === 'embed') seq.sum.fill(0);
    else if (seq.promptLogprobs && !seq.promptLogprobsDone) seq.promptLogprobs.length = 0;
    const i = this.running.indexOf(seq);
    if (i >= 0) this.running.splice(i, 1);
    this.waiting.unshift(seq);
  }

  private toTokenLogprob(p: Pick): TokenLogprob {
    const text = this.opts.tokenText;
    return {
      tokenId: p.tokenId,
      token: text(p.tokenId),
      logprob: p.logprob,
      rank: p.rank,
      top: p.top.map((t) => ({ tokenId: t.tokenId, token: text(t.tokenId), logprob: t.logprob })),
    };
  }

  /** Appends a sampled token, applies the stop rules in vLLM's order and emits the step's event. */
  private accept(seq: GenerateSequence, pick: Pick): void {
    const t = pick.tokenId;
    const p = seq.params;
    if (t === NOTHING_ALLOWED) {
      this.endComplete(seq);
      return;
    }
    if (p.constraint && !p.constraint.accept(t)) {
      // The mask allowed it, so the matcher must take it; anything else is a broken constraint.
      this.fail(seq, new Error(`output constraint refused token ${t} that its own mask allowed`));
      return;
    }
    seq.tokens.push(t);
    this.generationTokensTotal++;
    const s = seq.sampler;
    s.seen.add(t);
    s.outputCounts.set(t, (s.outputCounts.get(t) ?? 0) + 1);
    s.outputLength++;
    const outputIds = seq.tokens.slice(seq.promptLen);
    const canStop = s.outputLength >= (p.minTokens ?? 0);

    let finish: FinishReason | undefined;
    let stopReason: string | number | undefined;
    let textIds = outputIds;
    if (canStop && !p.ignoreEos && this.opts.eosTokenIds.includes(t)) {
      finish = 'stop';
    } else if (canStop && p.stopTokenIds?.includes(t)) {
      finish = 'stop';
      stopReason = t;
      if (!p.includeStopStrInOutput) textIds = outputIds.slice(0, -1);
    }
    const lengthHit = s.outputLength >= p.maxTokens || seq.tokens.length >= this.opts.maxModelLen;
    const upd = seq.text.update(textIds, canStop && finish === undefined, finish !== undefined || lengthHit);
    if (finish === undefined && upd.stop !== undefined) {
      finish = 'stop';
      stopReason = upd.stop;
    }
    if (finish === undefined && lengthHit) finish = 'length';

    const event: GenerationEvent = {
      tokenIds: [t],
      text: upd.delta,
      promptTokens: seq.promptLen - seq.prefixLen,
      completionTokens: s.outputLength,
    };
    if (p.logprobs !== undefined) event.logprobs = [this.toTokenLogprob(pick)];
    if (!seq.firstEventSent && seq.promptLogprobs) event.promptLogprobs = [null, ...seq.promptLogprobs];
    seq.firstEventSent = true;
    if (finish) {
      event.finishReason = finish;
      if (stopReason !== undefined) event.stopReason = stopReason;
      seq.done = true;
    }
    seq.queue.push(event);
    if (finish) this.closeSeq(seq);
  }

  /**
   * The constraint allows nothing that may be sampled: its output is complete but EOS cannot end it (ignore_eos,
   * min_tokens), or the grammar has no way on. Ends 'stop' with whatever text was held back.
   */
  private endComplete(seq: GenerateSequence): void {
    seq.done = true;
    const upd = seq.text.update(seq.tokens.slice(seq.promptLen), false, true);
    const event: GenerationEvent = {
      tokenIds: [],
      text: upd.delta,
      finishReason: 'stop',
      promptTokens: seq.promptLen - seq.prefixLen,
      completionTokens: seq.sampler.outputLength,
    };
    if (!seq.firstEventSent && seq.promptLogprobs) event.promptLogprobs = [null, ...seq.promptLogprobs];
    seq.firstEventSent = true;
    seq.queue.push(event);
    this.closeSeq(seq);
  }

  private finish(seq: Sequence, reason: FinishReason): void {
    seq.done = true;
    if (seq.kind === 'embed') {
      seq.reject(new Error('embedding request aborted'));
      return;
    }
    seq.queue.push({
      tokenIds: [],
      text: '',
      finishReason: reason,
      promptTokens: seq.promptLen - seq.prefixLen,
      completionTokens: seq.sampler.outputLength,
    });
    this.closeSeq(seq);
  }

  private closeSeq(seq: GenerateSequence): void {
    seq.queue.end();
    seq.detach?.();
    seq.params.constraint?.release();
  }

  private fail(seq: Sequence, err: unknown): void {
    seq.done = true;
    this.model.kv.release(seq.blocks);
    if (seq.kind === 'embed') seq.reject(err);
    else {
      seq.queue.end(err);
      seq.detach?.();
      seq.params.constraint?.release();
    }
  }

  private finishEmbed(seq: EmbedSequence): void {
    seq.done = true;
    let norm = 0;
    for (let i = 0; i < seq.sum.length; i++) norm += seq.sum[i] * seq.sum[i];
    // Mean then L2-normalise: the 1/n factor cancels, so normalising the sum is the same thing.
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    seq.resolve(Array.from(seq.sum, (v) => v * scale));
  }

  async close(): Promise<void> {
    for (const seq of [...this.running, ...this.waiting]) if (!seq.done) this.finish(seq, 'abort');
    this.evictDone();
    this.closed = true;
  }
}
