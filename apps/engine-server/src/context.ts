import { setMaxListeners } from 'node:events';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import { EngineOverloadedError, type SamplingParams, type ServedModel } from '@platform/engine';
import { openAIOverloaded, tgiOverloaded } from './errors';
import { startAll, startSequence, type Sequence } from './generation';
import { requestSignal } from './http/request-signal';
import type { EngineMetrics } from './metrics';
import type { ModelRegistry } from './models';

export type Dialect = 'openai' | 'tgi';

/** An admitted inference request: its abort signal and the slot it holds until `finish()`. */
export interface Inference {
  signal: AbortSignal;
  start(model: ServedModel, prompts: { promptTokenIds: number[]; params: SamplingParams }[]): Promise<Sequence[]>;
  finish(): void;
}

/**
 * What every route shares: the models, the metrics, the admission limit (TGI's `max_concurrent_requests`,
 * enforced for both dialects: over it a request is refused with 429 rather than queued) and the shutdown signal
 * that aborts whatever is still running when the drain deadline passes.
 */
export class ServerContext {
  private inFlight = 0;
  private readonly shutdown = new AbortController();
  draining = false;

  constructor(
    readonly models: ModelRegistry,
    readonly metrics: EngineMetrics,
    readonly maxConcurrentRequests: number,
    readonly log: FastifyBaseLogger,
  ) {
    // Each admitted request listens on it until it finishes: up to the admission limit, beyond which it would be a leak.
    setMaxListeners(maxConcurrentRequests + 1, this.shutdown.signal);
  }

  get activeRequests(): number {
    return this.inFlight;
  }

  abortAll(reason = 'server shutting down'): void {
    this.shutdown.abort(new Error(reason));
  }

  static overloaded(dialect: Dialect): Error {
    return dialect === 'tgi' ? tgiOverloaded() : openAIOverloaded();
  }

  /** Admits a request or throws the dialect's 429; the arrival time anchors TTFT and e2e latency. */
  begin(dialect: Dialect, reply: FastifyReply, arrival: number): Inference {
    if (this.inFlight >= this.maxConcurrentRequests) throw ServerContext.overloaded(dialect);
    this.inFlight++;
    const { signal, done } = requestSignal(reply.raw, this.shutdown.signal);
    let finished = false;
    return {
      signal,
      start: async (model, prompts) => {
        try {
          return await startAll(
            prompts.map((p) => () => startSequence(model, p.promptTokenIds, p.params, signal, this.metrics.track(model.id, arrival))),
          );
        } catch (err) {
          if (err instanceof EngineOverloadedError) throw ServerContext.overloaded(dialect);
          throw err;
        }
      },
      finish: () => {
        if (finished) return;
        finished = true;
        this.inFlight--;
        done();
      },
    };
  }
}
