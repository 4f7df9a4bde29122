import type { FastifyInstance, FastifyReply } from 'fastify';
import type { GenerationEvent, ServedModel } from '@platform/engine';
import type { ServerContext } from '../context';
import { InvalidRequest, OpenAIError } from '../errors';
import { mergeSequences, type Sequence } from '../generation';
import { asObject, optBool, optInt } from '../http/body';
import { SseWriter } from '../http/sse';
import { type ChoicePlan, UsageCounter, planChoices, refuseTooManySequences, responseId, unixNow } from './choices';
import { CompletionLogprobsBuilder, type CompletionLogprobs, type PromptLogprobs, promptLogprobs } from './logprobs';
import { registerGenerationRoute } from './generation-route';
import { OutputText } from './output-text';
import { type Prompt, promptCount, readPrompts, resolveModel } from './prompt';
import { type RequestedConstraint, readStructuredOutput } from './structured-output';
import { type OpenAISampling, checkLogprobs, choiceSeed, readSampling, resolveMaxTokens } from './sampling';

/** POST /v1/completions, vLLM's OpenAI-compatible legacy completions. */

interface CompletionRequest {
  model: ServedModel;
  sampling: OpenAISampling;
  prompts: Prompt[];
  plans: ChoicePlan[];
  echo: boolean;
  logprobs?: number;
  constraint?: RequestedConstraint;
}

function parse(ctx: ServerContext, rawBody: unknown): CompletionRequest {
  const body = asObject(rawBody);
  const model = resolveModel(ctx.models, body);
  if (body.suffix !== undefined && body.suffix !== null) throw new InvalidRequest('suffix is not currently supported', 'suffix');
  const constraint = readStructuredOutput(body);
  const sampling = readSampling(body, model.config.vocab_size);
  const echo = optBool(body, 'echo') ?? false;
  const lp = optInt(body, 'logprobs');
  const logprobs = lp === undefined ? undefined : checkLogprobs(lp, 'logprobs');
  const truncate = optInt(body, 'truncate_prompt_tokens', { min: 1 });
  refuseTooManySequences(promptCount(body.prompt), sampling.n, model.maxWaiting);
  const prompts = readPrompts(model, body.prompt, optBool(body, 'add_special_tokens') ?? true, truncate, 'prompt', true);
  const maxTokens = prompts.map((p) => resolveMaxTokens(sampling.maxTokens, p.ids.length, model.maxModelLen, 16, 'prompt'));
  const plans = planChoices(
    prompts.map((p) => p.ids),
    sampling.n,
    (pi, i) => ({
      ...sampling.params,
      maxTokens: maxTokens[pi],
      seed: choiceSeed(sampling.params.seed, i),
      logprobs,
      // Echoing with logprobs reports the prompt tokens' logprobs too, as vLLM does.
      promptLogprobs:
        echo && logprobs !== undefined ? Math.max(logprobs, sampling.params.promptLogprobs ?? 0) : sampling.params.promptLogprobs,
    }),
  );
  return { model, sampling, prompts, plans, echo, logprobs, constraint };
}

/** Per-choice state while events arrive. */
class ChoiceOutput {
  readonly text: OutputText;
  readonly logprobs?: CompletionLogprobsBuilder;
  finishReason: string | null = null;
  stopReason: string | number | null = null;
  promptLogprobs: PromptLogprobs | null = null;
  private started = false;

  constructor(
    readonly plan: ChoicePlan,
    private readonly req: CompletionRequest,
  ) {
    this.text = new OutputText();
    const prompt = req.prompts[plan.promptIndex];
    if (req.logprobs !== undefined) this.logprobs = new CompletionLogprobsBuilder(req.echo ? prompt.text.length : 0, req.logprobs);
  }

  /** Returns this event's text and logprobs delta (the echoed prompt is prepended to the first one). */
  push(event: GenerationEvent): { text: string; logprobs: CompletionLogprobs | null } {
    const prompt = this.req.prompts[this.plan.promptIndex];
    let prefix = '';
    let promptPart: CompletionLogprobs | null = null;
    if (!this.started) {
      this.started = true;
      if (this.req.sampling.params.promptLogprobs !== undefined)
        this.promptLogprobs = promptLogprobs(event.promptLogprobs, prompt.ids.length);
      if (this.req.echo) {
        prefix = prompt.text;
        if (this.logprobs) {
          const model = this.req.model;
          // Where each prompt token starts in the echoed text: the length of the text decoded before it.
          const offsets = prompt.ids.map((_, k) => Math.min(prompt.text.length, model.decode(prompt.ids.slice(0, k), true).length));
          this.logprobs.addPrompt(
            prompt.ids.map((id) => model.tokenToString(id)),
            offsets,
            event.promptLogprobs,
            prompt.text.length,
          );
          promptPart = { ...this.logprobs.value, text_offset: [...this.logprobs.value.text_offset] };
        }
      }
    }
    const text = prefix + this.text.push(event);
    let logprobs: CompletionLogprobs | null = null;
    if (this.logprobs) {
      const delta = this.logprobs.add(event.logprobs);
      logprobs = promptPart
        ? {
            text_offset: [...promptPart.text_offset, ...delta.text_offset],
            token_logprobs: [...promptPart.token_logprobs, ...delta.token_logprobs],
            tokens: [...promptPart.tokens, ...delta.tokens],
            top_logprobs: [...promptPart.top_logprobs, ...delta.top_logprobs],
          }
        : delta;
    }
    if (event.finishReason) {
      this.finishReason = event.finishReason;
      this.stopReason = event.stopReason ?? null;
    }
    return { text, logprobs };
  }
}

export function registerCompletions(app: FastifyInstance, ctx: ServerContext): void {
  registerGenerationRoute(app, ctx, '/v1/completions', { parse, collect, stream });
}

async function collect(reply: FastifyReply, req: CompletionRequest, sequences: Sequence[]): Promise<unknown> {
  const outputs = req.plans.map((p) => new ChoiceOutput(p, req));
  const usage = new UsageCounter(req.plans);
  const texts = outputs.map(() => '');
  for await (const [i, event] of mergeSequences(sequences)) {
    texts[i] += outputs[i].push(event).text;
    usage.observe(req.plans[i], event);
  }
  if (reply.raw.destroyed) return reply.hijack();
  return {
    id: responseId('cmpl'),
    object: 'text_completion',
    created: unixNow(),
    model: req.model.id,
    choices: outputs.map((o, i) => ({
      index: o.plan.index,
      text: texts[i],
      logprobs: o.logprobs ? o.logprobs.value : null,
      finish_reason: o.finishReason ?? 'abort',
      stop_reason: o.stopReason,
      prompt_logprobs: o.promptLogprobs,
    })),
    usage: usage.usage,
    system_fingerprint: null,
  };
}

async function stream(reply: FastifyReply, req: CompletionRequest, sequences: Sequence[]): Promise<void> {
  reply.hijack();
  const sse = new SseWriter(reply.raw, true);
  sse.open();
  const id = responseId('cmpl');
  const created = unixNow();
  const outputs = req.plans.map((p) => new ChoiceOutput(p, req));
  const usage = new UsageCounter(req.plans);
  const envelope = { id, object: 'text_completion', created, model: req.model.id };
  try {
    for await (const [i, event] of mergeSequences(sequences)) {
      if (sse.closed) break;
      usage.observe(req.plans[i], event);
      if (event.finishReason === 'abort') throw new OpenAIError(500, 'The request was aborted before it finished.', 'InternalServerError');
      const { text, logprobs } = outputs[i].push(event);
      if (!text && !event.finishReason && !logprobs?.tokens.length) continue;
      await sse.send({
        ...envelope,
        choices: [
          {
            index: req.plans[i].index,
            text,
            logprobs,
            finish_reason: event.finishReason ?? null,
            stop_reason: event.finishReason ? (event.stopReason ?? null) : null,
          },
        ],
        usage: req.sampling.continuousUsage ? usage.usage : null,
      });
    }
    if (req.sampling.includeUsage) await sse.send({ ...envelope, choices: [], usage: usage.usage });
  } catch (err) {
    const e =
      err instanceof OpenAIError ? err : new OpenAIError(500, err instanceof Error ? err.message : String(err), 'InternalServerError');
    await sse.send(e.toBody());
  }
  await sse.send('[DONE]');
  sse.end();
}
