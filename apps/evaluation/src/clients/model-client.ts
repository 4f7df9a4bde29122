import { unary } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatOptions {
  maxTokens: number;
  temperature: number;
}

/** The calls the benchmarks make, on one project's behalf, through the inference service; `signal` cancels them. */
export class ModelClient {
  private readonly maxLen = new Map<string, number | undefined>();

  constructor(
    private readonly inference: inferenceV1.InferenceServiceClient,
    private readonly projectId: string,
    readonly signal?: AbortSignal,
  ) {}

  async chat(modelId: string, messages: ChatTurn[], o: ChatOptions): Promise<string> {
    const res = await unary(
      this.inference.chat({
        modelId,
        projectId: this.projectId,
        spaceId: '',
        messages: messages.map((m) => ({ role: m.role, content: m.content, contentParts: [], name: '', toolCallId: '', toolCalls: [] })),
        parameters: {
          guidedChoice: [],
          toolsJson: '',
          toolChoiceJson: '',
          toolChoiceOption: '',
          responseFormatJson: '',
          maxTokens: o.maxTokens,
          temperature: o.temperature,
          seed: 0,
          stop: [],
          timeLimit: 0,
          logitBiasJson: '',
        },
      }),
      this.signal,
    );
    return res.choices[0]?.message?.content ?? '';
  }

  /** Log-likelihood of each continuation after `context`. */
  async loglikelihoods(modelId: string, context: string, continuations: string[]): Promise<number[]> {
    const res = await unary(
      this.inference.scoreContinuations({ modelId, projectId: this.projectId, spaceId: '', context, continuations }),
      this.signal,
    );
    return res.scores.map((s) => s.logprob);
  }

  async countTokens(modelId: string, input: string): Promise<number> {
    const res = await unary(
      this.inference.tokenize({ modelId, input, projectId: this.projectId, spaceId: '', returnTokens: false }),
      this.signal,
    );
    return res.tokenCount;
  }

  /** The model's context length as the inference service knows it; undefined when it does not. */
  async maxSequenceLength(modelId: string): Promise<number | undefined> {
    if (!this.maxLen.has(modelId)) {
      // Checkpoints are served as (temporary) deployments, whose pools the catalog leaves out unless asked.
      const res = await unary(this.inference.listModels({ includeDeployments: true }), this.signal);
      const len = res.models.find((m) => m.modelId === modelId)?.maxSequenceLength;
      this.maxLen.set(modelId, len && len > 0 ? len : undefined);
    }
    return this.maxLen.get(modelId);
  }
}
