import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FinishReason, GenerationEvent, ServedModel } from '@platform/engine';

/**
 * Prometheus metrics under vLLM's names, so routers that scrape vLLM (production-stack, llm-d, AIBrix) read
 * this server unchanged. Load gauges come from the engine's own counters at scrape time; latency histograms and
 * token counters are observed here as generation events pass through.
 */

const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560];
const ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80];
const E2E_BUCKETS = [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680];
const TOKEN_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];

export type FinishedReason = FinishReason;

export class EngineMetrics {
  readonly registry = new Registry();
  private readonly promptTokens: Counter<'model_name'>;
  private readonly generationTokens: Counter<'model_name'>;
  private readonly success: Counter<'model_name' | 'finished_reason'>;
  private readonly ttft: Histogram<'model_name'>;
  private readonly itl: Histogram<'model_name'>;
  private readonly tpot: Histogram<'model_name'>;
  private readonly e2e: Histogram<'model_name'>;
  private readonly promptHist: Histogram<'model_name'>;
  private readonly generationHist: Histogram<'model_name'>;

  constructor(models: readonly ServedModel[]) {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: (m: ServedModel) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['model_name'],
        registers,
        collect() {
          for (const m of models) this.set({ model_name: m.id }, read(m));
        },
      });
    };
    gauge('vllm:num_requests_running', 'Number of requests in model execution batches.', (m) => m.stats().running);
    gauge('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', (m) => m.stats().waiting);
    gauge('vllm:kv_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage.', (m) => m.stats().kvCacheUsage);
    // Deprecated vLLM alias that production-stack still scrapes.
    gauge('vllm:gpu_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage (deprecated name).', (m) => m.stats().kvCacheUsage);

    this.promptTokens = new Counter({
      name: 'vllm:prompt_tokens_total',
      help: 'Number of prefill tokens processed.',
      labelNames: ['model_name'],
      registers,
    });
    this.generationTokens = new Counter({
      name: 'vllm:generation_tokens_total',
      help: 'Number of generation tokens processed.',
      labelNames: ['model_name'],
      registers,
    });
    this.success = new Counter({
      name: 'vllm:request_success_total',
      help: 'Count of successfully processed requests.',
      labelNames: ['model_name', 'finished_reason'],
      registers,
    });
    const hist = (name: string, help: string, buckets: number[]): Histogram<'model_name'> =>
      new Histogram({ name, help, buckets, labelNames: ['model_name'], registers });
    this.ttft = hist('vllm:time_to_first_token_seconds', 'Histogram of time to first token in seconds.', TTFT_BUCKETS);
    this.itl = hist('vllm:inter_token_latency_seconds', 'Histogram of inter-token latency in seconds.', ITL_BUCKETS);
    this.tpot = hist('vllm:time_per_output_token_seconds', 'Histogram of time per output token in seconds (deprecated name).', ITL_BUCKETS);
    this.e2e = hist('vllm:e2e_request_latency_seconds', 'Histogram of end to end request latency in seconds.', E2E_BUCKETS);
    this.promptHist = hist('vllm:request_prompt_tokens', 'Number of prefill tokens processed.', TOKEN_BUCKETS);
    this.generationHist = hist('vllm:request_generation_tokens', 'Number of generation tokens processed.', TOKEN_BUCKETS);

    for (const m of models) {
      const model_name = m.id;
      this.promptTokens.inc({ model_name }, 0);
      this.generationTokens.inc({ model_name }, 0);
      for (const finished_reason of ['stop', 'length', 'abort']) this.success.inc({ model_name, finished_reason }, 0);
      for (const h of [this.ttft, this.itl, this.tpot, this.e2e, this.promptHist, this.generationHist]) h.zero({ model_name });
    }
    collectDefaultMetrics({ register: this.registry });
  }

  /** Starts timing one sequence; `arrival` is when the HTTP request arrived (performance.now() ms). */
  track(modelName: string, arrival: number): SequenceTracker {
    return new SequenceTracker(this, modelName, arrival);
  }

  /** @internal */ observeFirst(model_name: string, seconds: number, promptTokens: number): void {
    this.ttft.observe({ model_name }, seconds);
    this.promptTokens.inc({ model_name }, promptTokens);
    this.promptHist.observe({ model_name }, promptTokens);
  }

  /** @internal */ observeTokens(model_name: string, count: number, gapSeconds: number | undefined): void {
    if (count > 0) this.generationTokens.inc({ model_name }, count);
    if (gapSeconds !== undefined) {
      this.itl.observe({ model_name }, gapSeconds);
      this.tpot.observe({ model_name }, gapSeconds);
    }
  }

  /** @internal */ observeEnd(model_name: string, reason: FinishReason, seconds: number, generated: number): void {
    this.success.inc({ model_name, finished_reason: reason });
    this.e2e.observe({ model_name }, seconds);
    this.generationHist.observe({ model_name }, generated);
  }
}

export class SequenceTracker {
  private last: number | undefined;
  private generated = 0;
  private reason: FinishReason | undefined;
  private ended = false;

  constructor(
    private readonly metrics: EngineMetrics,
    private readonly model: string,
    private readonly arrival: number,
  ) {}

  observe(event: GenerationEvent): void {
    const now = performance.now();
    if (this.last === undefined) this.metrics.observeFirst(this.model, (now - this.arrival) / 1000, event.promptTokens);
    const count = event.tokenIds.length;
    if (count > 0) {
      this.metrics.observeTokens(this.model, count, this.last === undefined || this.generated === 0 ? undefined : (now - this.last) / 1000);
      this.generated += count;
    }
    this.last = now;
    if (event.finishReason) this.reason = event.finishReason;
  }

  /** Idempotent; a sequence that ended without a finish reason was aborted. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.last === undefined) return; // never admitted: not a processed request
    this.metrics.observeEnd(this.model, this.reason ?? 'abort', (performance.now() - this.arrival) / 1000, this.generated);
  }
}
