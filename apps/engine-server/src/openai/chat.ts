import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServedModel } from '@platform/engine';
import type { ServerContext } from '../context';
import { InvalidRequest, OpenAIError } from '../errors';
import { mergeSequences, type Sequence } from '../generation';
import { type Json, asObject, optBool, optInt, optString } from '../http/body';
import { SseWriter } from '../http/sse';
import { type ChoicePlan, UsageCounter, planChoices, refuseTooManySequences, responseId, unixNow } from './choices';
import { type ChatLogprob, type PromptLogprobs, chatLogprobs, promptLogprobs } from './logprobs';
import { type ChatMessage, readMessages, renderChat } from './messages';
import { registerGenerationRoute } from './generation-route';
import { OutputText } from './output-text';
import { prepareIds, resolveModel } from './prompt';
import { type RequestedConstraint, readStructuredOutput } from './structured-output';
import { type ToolCall, type ToolCallDelta, ToolCallParser } from './tools/call-parser';
import { type ToolRequest, readTools } from './tools/definitions';
import { type ToolCallFormat, toolConstraint } from './tools/format';
import { templateToolSupport } from './tools/template';
import { type OpenAISampling, checkLogprobs, choiceSeed, readSampling, refuseTextBeyondContext, resolveMaxTokens } from './sampling';

/** POST /v1/chat/completions, vLLM's OpenAI-compatible chat. */

interface ChatRequest {
  model: ServedModel;
  sampling: OpenAISampling;
  promptIds: number[];
  plans: ChoicePlan[];
  /** top_logprobs when logprobs=true, else undefined */
  topLogprobs?: number;
  /** content of a trailing assistant message, prepended to the answer when echo=true */
  echoText: string;
  constraint?: RequestedConstraint;
  /** How replies write tool calls, when the request has tools it may call: replies are parsed for them. */
  toolFormat?: ToolCallFormat;
}

/**
 * What constrains the output: the structured output asked for, else the tool choice's call syntax. vLLM refuses a
 * structured output with a named tool; with `required` it would drop one of the two silently, so that is refused too.
 */
function outputConstraint(model: ServedModel, body: Json, tools: ToolRequest | undefined): RequestedConstraint | undefined {
  const structured = readStructuredOutput(body);
  const forced = tools && (tools.choice.kind === 'named' || tools.choice.kind === 'required');
  if (structured && forced)
    throw new InvalidRequest('You can only either use constraints for structured outputs or tools, not both.', structured.param);
  if (structured || !tools) return structured;
  const spec = toolConstraint(templateToolSupport(model).format, tools);
  return spec && { spec, param: 'tools' };
}

function parse(ctx: ServerContext, rawBody: unknown): ChatRequest {
  const body = asObject(rawBody);
  const model = resolveModel(ctx.models, body);
  const messages: ChatMessage[] = readMessages(body.messages);
  const tools = readTools(body);
  const constraint = outputConstraint(model, body, tools);
  const sampling = readSampling(body, model.config.vocab_size);
  refuseTooManySequences(1, sampling.n, model.maxWaiting);
  const logprobs = optBool(body, 'logprobs') ?? false;
  const top = optInt(body, 'top_logprobs');
  if (top !== undefined && top > 0 && !logprobs)
    throw new InvalidRequest('when using `top_logprobs`, `logprobs` must be set to true.', 'top_logprobs');
  const topLogprobs = logprobs ? checkLogprobs(top ?? 0, 'top_logprobs') : undefined;
  const text = renderChat(model, messages, body, tools);
  const truncate = optInt(body, 'truncate_prompt_tokens', { min: 1 });
  if (truncate === undefined) refuseTextBeyondContext(model, text, 'messages');
  const promptIds = prepareIds(model, model.encode(text, optBool(body, 'add_special_tokens') ?? false), truncate, 'messages');
  const maxTokens = resolveMaxTokens(sampling.maxTokens, promptIds.length, model.maxModelLen);
  const last = messages[messages.length - 1];
  const echoText = (optBool(body, 'echo') ?? false) && last.role === 'assistant' ? last.content : '';
  optString(body, 'user'); // accepted (type-checked) and ignored, as vLLM does
  const plans = planChoices([promptIds], sampling.n, (_, i) => ({
    ...sampling.params,
    maxTokens,
    seed: choiceSeed(sampling.params.seed, i),
    logprobs: topLogprobs,
  }));
  const toolFormat = tools && tools.choice.kind !== 'none' ? templateToolSupport(model).format : undefined;
  return { model, sampling, promptIds, plans, topLogprobs, echoText, constraint, toolFormat };
}

export function registerChat(app: FastifyInstance, ctx: ServerContext): void {
  registerGenerationRoute(app, ctx, '/v1/chat/completions', { parse, collect, stream });
}

/** A whole reply: its text and, when the request has tools, the calls parsed out of it. */
function assistantReply(
  req: ChatRequest,
  text: string,
  engineReason: string,
): { content: string | null; toolCalls: ToolCall[]; finishReason: string } {
  if (!req.toolFormat) return { content: req.echoText + text, toolCalls: [], finishReason: engineReason };
  const parser = new ToolCallParser(req.toolFormat);
  parser.push(text);
  parser.finish();
  const { content, calls } = parser.result();
  return {
    content: content === null && calls.length > 0 && !req.echoText ? null : req.echoText + (content ?? ''),
    toolCalls: calls,
    finishReason: calls.length > 0 && !parser.incomplete ? 'tool_calls' : engineReason,
  };
}

async function collect(reply: FastifyReply, req: ChatRequest, sequences: Sequence[]): Promise<unknown> {
  const texts = req.plans.map(() => new OutputText());
  const logprobs: ChatLogprob[][] = req.plans.map(() => []);
  const finish: { reason: string | null; stop: string | number | null }[] = req.plans.map(() => ({ reason: null, stop: null }));
  const usage = new UsageCounter(req.plans);
  let prompt: PromptLogprobs | null = null;
  for await (const [i, event] of mergeSequences(sequences)) {
    texts[i].push(event);
    usage.observe(req.plans[i], event);
    if (req.topLogprobs !== undefined) logprobs[i].push(...chatLogprobs(event.logprobs, req.topLogprobs));
    if (event.promptLogprobs && prompt === null && req.sampling.params.promptLogprobs !== undefined)
      prompt = promptLogprobs(event.promptLogprobs, req.promptIds.length);
    if (event.finishReason) finish[i] = { reason: event.finishReason, stop: event.stopReason ?? null };
  }
  if (reply.raw.destroyed) return reply.hijack();
  const replies = req.plans.map((_, i) => assistantReply(req, texts[i].text, finish[i].reason ?? 'abort'));
  return {
    id: responseId('chatcmpl'),
    object: 'chat.completion',
    created: unixNow(),
    model: req.model.id,
    choices: req.plans.map((plan, i) => ({
      index: plan.index,
      message: { role: 'assistant', content: replies[i].content, reasoning_content: null, tool_calls: replies[i].toolCalls },
      logprobs: req.topLogprobs !== undefined ? { content: logprobs[i] } : null,
      finish_reason: replies[i].finishReason,
      stop_reason: finish[i].stop,
    })),
    usage: usage.usage,
    prompt_logprobs: prompt,
    system_fingerprint: null,
  };
}

async function stream(reply: FastifyReply, req: ChatRequest, sequences: Sequence[]): Promise<void> {
  reply.hijack();
  const sse = new SseWriter(reply.raw, true);
  sse.open();
  const envelope = { id: responseId('chatcmpl'), object: 'chat.completion.chunk', created: unixNow(), model: req.model.id };
  const texts = req.plans.map(() => new OutputText());
  const usage = new UsageCounter(req.plans);
  const usageField = (): { usage?: unknown } => (req.sampling.continuousUsage ? { usage: usage.usage } : {});
  try {
    // vLLM opens every choice with a role-only delta.
    for (const plan of req.plans)
      await sse.send({
        ...envelope,
        choices: [{ index: plan.index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
        ...usageField(),
      });
    const echoed = req.plans.map(() => req.echoText === '');
    const parsers = req.plans.map(() => (req.toolFormat ? new ToolCallParser(req.toolFormat) : undefined));
    for await (const [i, event] of mergeSequences(sequences)) {
      if (sse.closed) break;
      usage.observe(req.plans[i], event);
      if (event.finishReason === 'abort') throw new OpenAIError(500, 'The request was aborted before it finished.', 'InternalServerError');
      let content = texts[i].push(event);
      let calls: ToolCallDelta[] = [];
      const parser = parsers[i];
      if (parser) {
        const parsed = parser.push(content);
        if (event.finishReason) {
          const rest = parser.finish();
          parsed.content += rest.content;
          parsed.calls.push(...rest.calls);
        }
        content = parsed.content;
        calls = parsed.calls;
      }
      if (!echoed[i]) {
        content = req.echoText + content;
        echoed[i] = true;
      }
      const logprobs = req.topLogprobs !== undefined ? { content: chatLogprobs(event.logprobs, req.topLogprobs) } : null;
      if (!content && !calls.length && !event.finishReason && !logprobs?.content.length) continue;
      const delta: Record<string, unknown> = calls.length ? { tool_calls: calls } : { content };
      if (calls.length && content) delta.content = content;
      let finishReason: string | null = event.finishReason ?? null;
      if (finishReason && parser && parser.result().calls.length > 0 && !parser.incomplete) finishReason = 'tool_calls';
      const choice: Record<string, unknown> = { index: req.plans[i].index, delta, logprobs, finish_reason: finishReason };
      if (event.finishReason) choice.stop_reason = event.stopReason ?? null;
      await sse.send({ ...envelope, choices: [choice], ...usageField() });
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
