import { connectGrpcService, unary } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { Limiter } from './limiter';
import { guessFamily, renderPrompt, type ModelFamily } from './model-family';
import { withRetry } from './retry';

export interface CompletionCall {
  model: string;
  system: string;
  user: string;
  /** Text the answer starts with; returned in front of the generated text. */
  prefill?: string;
  maxTokens: number;
  temperature: number;
  seed?: number;
  stop?: string[];
}

export interface ChatCall {
  model: string;
  messages: { role: string; content: string }[];
  n: number;
  maxTokens: number;
  temperature: number;
  seed?: number;
}

/** What the pipelines need from a model: completions with chat markup, chat with n choices, token counts. */
export interface Teacher {
  complete(call: CompletionCall, signal: AbortSignal): Promise<string>;
  chat(call: ChatCall, signal: AbortSignal): Promise<string[]>;
  countTokens(model: string, text: string, signal: AbortSignal): Promise<number>;
  /** The model's context length (0 when the service does not know it). */
  contextLength(model: string, signal: AbortSignal): Promise<number>;
  readonly limiter: Limiter;
}

/**
 * Teacher and judge calls through the inference service (gRPC), each holding a slot of the job's limiter,
 * retried with backoff while the pool is full or unavailable, and cancelled with the job's signal.
 */
export class InferenceTeacher implements Teacher {
  private readonly contexts = new Map<string, Promise<number>>();

  constructor(
    private readonly service: inferenceV1.InferenceServiceClient,
    private readonly projectId: string,
    readonly limiter: Limiter,
    /** The chat markup of the prompts (PLATFORM_SDG_MODEL_FAMILY); unset, guessed from the model id. */
    private readonly familyOverride?: ModelFamily,
  ) {}

  static connect(projectId: string, concurrency: number, family?: ModelFamily): { teacher: InferenceTeacher; close(): void } {
    // Generations legitimately run for minutes: the long deadline, not the CRUD one.
    const client = connectGrpcService<inferenceV1.InferenceServiceClient>('inference', inferenceV1.INFERENCE_SERVICE_NAME, {
      deadline: 'long',
    });
    return { teacher: new InferenceTeacher(client.service, projectId, new Limiter(concurrency), family), close: client.close };
  }

  contextLength(model: string, signal: AbortSignal): Promise<number> {
    let known = this.contexts.get(model);
    if (!known) {
      known = withRetry(() => unary(this.service.listModels({}), signal), signal).then(
        (res) => res.models.find((m) => m.modelId === model)?.maxSequenceLength ?? 0,
      );
      known.catch(() => this.contexts.delete(model));
      this.contexts.set(model, known);
    }
    return known;
  }

  /** Small-context teachers get a proportionally small answer budget, and prompts lose their start, not their end. */
  private async budget(model: string, maxTokens: number, signal: AbortSignal): Promise<{ maxNew: number; truncate?: number }> {
    const ctx = await this.contextLength(model, signal);
    if (ctx <= 0) return { maxNew: maxTokens };
    const maxNew = Math.max(1, Math.min(maxTokens, Math.floor(ctx / 4)));
    return { maxNew, truncate: ctx - maxNew };
  }

  async complete(call: CompletionCall, signal: AbortSignal): Promise<string> {
    const prefill = call.prefill ?? '';
    const input = renderPrompt(guessFamily(call.model, this.familyOverride), call.system, call.user, prefill);
    const { maxNew, truncate } = await this.budget(call.model, call.maxTokens, signal);
    const req: inferenceV1.GenerateRequest = {
      modelId: call.model,
      input,
      projectId: this.projectId,
      spaceId: '',
      parameters: {
        decodingMethod: call.temperature > 0 ? 'sample' : 'greedy',
        temperature: call.temperature > 0 ? call.temperature : undefined,
        randomSeed: call.seed,
        maxNewTokens: maxNew,
        truncateInputTokens: truncate,
        stopSequences: call.stop ?? [],
        includeStopSequence: true,
        timeLimit: 0,
        returnOptions: undefined,
      },
      moderations: undefined,
    };
    const res = await this.limiter.run(() => withRetry(() => unary(this.service.generate(req), signal), signal), signal);
    return prefill + (res.result?.generatedText ?? '');
  }

  async chat(call: ChatCall, signal: AbortSignal): Promise<string[]> {
    const { maxNew } = await this.budget(call.model, call.maxTokens, signal);
    const req: inferenceV1.ChatRequest = {
      modelId: call.model,
      projectId: this.projectId,
      spaceId: '',
      messages: call.messages.map((m) => ({ role: m.role, content: m.content, contentParts: [], name: '', toolCallId: '', toolCalls: [] })),
      parameters: {
        guidedChoice: [],
        maxTokens: maxNew,
        n: call.n,
        temperature: call.temperature,
        seed: call.seed,
        stop: [],
        timeLimit: 0,
        toolsJson: '',
        toolChoiceJson: '',
        toolChoiceOption: '',
        responseFormatJson: '',
        logitBiasJson: '',
      },
    };
    const res = await this.limiter.run(() => withRetry(() => unary(this.service.chat(req), signal), signal), signal);
    return [...res.choices].sort((a, b) => a.index - b.index).map((c) => c.message?.content ?? '');
  }

  async countTokens(model: string, text: string, signal: AbortSignal): Promise<number> {
    const req: inferenceV1.TokenizeRequest = { modelId: model, input: text, projectId: this.projectId, spaceId: '', returnTokens: false };
    const res = await this.limiter.run(() => withRetry(() => unary(this.service.tokenize(req), signal), signal), signal);
    return res.tokenCount;
  }
}
