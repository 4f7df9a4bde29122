import { PlatformError, sumGaugeSamples, TGI_LOAD_GAUGES, VLLM_LOAD_GAUGES } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { BackendError } from './backend-error';
import { getText, postJson, readJson, sseData } from './http';
import { OpenAiAdapter } from './openai-adapter';
import { backendStopReason } from './stop-reason';
import { tgiChatBody, toolCallFinishes } from './tgi-chat';
import type {
  ChatDelta,
  CompletionDelta,
  CompletionParams,
  DiscoveredModel,
  EmbedResult,
  ModelServerAdapter,
  OpenAiChatBody,
  TokenizeResult,
} from './types';

interface TgiToken {
  text: string;
  logprob: number | null;
  special: boolean;
}

interface TgiStreamEvent {
  token: TgiToken;
  top_tokens?: TgiToken[] | null;
  details: { finish_reason: string; generated_tokens: number; seed: number | null; input_length?: number } | null;
}

/**
 * text-generation-inference's native API: /generate_stream, /tokenize, /info. Chat goes to TGI's Messages API,
 * which speaks the OpenAI dialect; TGI serves no embeddings.
 */
export class TgiAdapter implements ModelServerAdapter {
  readonly kind = 'tgi' as const;
  private readonly messagesApi: OpenAiAdapter;

  constructor(readonly url: string) {
    this.messagesApi = new OpenAiAdapter(url);
  }

  async *completionStream(_model: string, p: CompletionParams, signal: AbortSignal): AsyncIterable<CompletionDelta> {
    // TGI's /generate has no logit bias; refusing names the option instead of generating without it.
    if (p.logitBias && Object.keys(p.logitBias).length)
      throw PlatformError.invalid('logit_bias is not supported by text-generation-inference.', 'logit_bias');
    if (p.presencePenalty)
      throw PlatformError.invalid('presence_penalty is not supported by text-generation-inference.', 'presence_penalty');
    const parameters = {
      max_new_tokens: p.maxTokens,
      do_sample: !p.greedy,
      temperature: p.greedy ? undefined : p.temperature,
      top_p: p.greedy ? undefined : p.topP,
      top_k: p.greedy ? undefined : p.topK,
      seed: p.seed,
      repetition_penalty: p.repetitionPenalty,
      frequency_penalty: p.frequencyPenalty,
      stop: p.stop,
      truncate: p.truncatePromptTokens,
      details: true,
      top_n_tokens: p.logprobs ? p.logprobs : undefined,
    };
    const res = await postJson(this.url, '/generate_stream', { inputs: p.prompt, parameters }, signal, 'text/event-stream');
    let count = 0;
    for await (const data of sseData(res, signal)) {
      const event = JSON.parse(data) as TgiStreamEvent & { error?: string };
      if (event.error) throw new BackendError(event.error, false);
      count++;
      const finish = event.details ? backendStopReason(event.details.finish_reason) : undefined;
      // TGI always includes a matched stop sequence in the text; watsonx lets the caller drop it.
      const text =
        event.token.special ||
        (finish === inferenceV1.StopReason.STOP_REASON_STOP_SEQUENCE && !p.includeStop && p.stop.includes(event.token.text))
          ? ''
          : event.token.text;
      yield {
        text,
        tokens:
          p.logprobs === undefined
            ? []
            : [
                {
                  text: event.token.text,
                  logprob: event.token.logprob ?? undefined,
                  top: (event.top_tokens ?? []).map((t) => ({ text: t.text, logprob: t.logprob ?? 0 })),
                },
              ],
        finish,
        completionTokens: event.details?.generated_tokens ?? count,
        promptTokens: event.details?.input_length,
        seed: event.details?.seed ?? undefined,
      };
    }
  }

  async *chatStream(model: string, body: OpenAiChatBody, signal: AbortSignal): AsyncIterable<ChatDelta> {
    yield* toolCallFinishes(this.messagesApi.chatStream(model, tgiChatBody(body), signal));
  }

  embed(): Promise<EmbedResult> {
    return Promise.reject(new BackendError('text-generation-inference serves no embeddings', false, 400));
  }

  async tokenize(_model: string, text: string, signal: AbortSignal): Promise<TokenizeResult> {
    const res = await postJson(this.url, '/tokenize', { inputs: text }, signal);
    const tokens = await readJson<{ text: string }[]>(res, signal);
    return { count: tokens.length, tokens: tokens.map((t) => t.text) };
  }

  async discover(signal: AbortSignal): Promise<DiscoveredModel[]> {
    const res = await getText(this.url, '/info', signal);
    if (res.status !== 200) return [];
    const info = JSON.parse(res.text) as { model_id: string; max_total_tokens?: number };
    return [{ id: info.model_id, maxModelLen: info.max_total_tokens }];
  }

  async healthy(signal: AbortSignal): Promise<boolean> {
    return (await getText(this.url, '/health', signal)).status === 200;
  }

  async load(model: string, signal: AbortSignal): Promise<number | undefined> {
    const res = await getText(this.url, '/metrics', signal);
    if (res.status !== 200) return undefined;
    return sumGaugeSamples(res.text, TGI_LOAD_GAUGES) ?? sumGaugeSamples(res.text, VLLM_LOAD_GAUGES, { label: 'model_name', value: model });
  }
}
