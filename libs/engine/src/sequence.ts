import type { GenerationEvent, SamplingParams, TokenLogprob } from './contract';
import type { EventQueue } from './event-queue';
import type { OutputText } from './output-text';
import type { SamplerState } from './sampler';

/**
 * Scheduler-side state of one request. `tokens` is prompt + output; `computed` of them are in the KV cache. A
 * prompt-tuned model's prompt starts with `prefixLen` virtual tokens (the soft prompt), counted in `promptLen` but
 * never reported: events, prompt logprobs and embeddings cover the caller's tokens only.
 */
export interface BaseSequence {
  id: number;
  tokens: number[];
  promptLen: number;
  prefixLen: number;
  computed: number;
  blocks: number[];
  aborted: boolean;
  done: boolean;
}

export interface GenerateSequence extends BaseSequence {
  kind: 'generate';
  params: SamplingParams;
  sampler: SamplerState;
  text: OutputText;
  queue: EventQueue<GenerationEvent>;
  /** Set while prompt logprobs are still owed (they are not recomputed after a preemption). */
  promptLogprobs?: (TokenLogprob | null)[];
  promptLogprobsDone: boolean;
  firstEventSent: boolean;
  detach?: () => void;
}

export interface EmbedSequence extends BaseSequence {
  kind: 'embed';
  sum: Float64Array;
  resolve: (v: number[]) => void;
  reject: (e: unknown) => void;
}

export type Sequence = GenerateSequence | EmbedSequence;
