import { PlatformError } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';
import type { AgentDefinition } from '../agents/agent-definition';
import type { ShieldSpec } from '../agents/shield-config';
import { citedContext, MEMORY_TOP_K, type MemoryHit, type MemorySearch } from '../tools/memory-tool';
import { toolError, type ExecutableTool } from '../tools/tool-types';
import { toChatMessage, toolArguments } from './chat-messages';
import { assistantMessage, textOf } from './draft-messages';
import { fitPrompt } from './context-fit';
import { draftStopReason, ToolCallGatherer, type GatheredCall } from './inference-step';
import type { ModelPort } from './model-port';
import { checkShields } from './shields';
import type {
  AgenticSystemTurn,
  DraftMessage,
  DraftStopReason,
  DraftToolCall,
  DraftToolResponse,
  HistoryMessage,
  RetrievedDocument,
  Step,
  StepType,
  StreamChunk,
  TurnStatus,
  Violation,
} from './turn-types';

export interface TurnLimits {
  /** Model inference steps of one turn (PLATFORM_AGENTS_MAX_STEPS). */
  maxSteps: number;
  /** New tokens of one inference step. */
  maxTokens: number;
}

export interface TurnDeps {
  model: ModelPort;
  /** The tools the service executes, by name. */
  tools: ReadonlyMap<string, ExecutableTool>;
  memory: MemorySearch;
  limits: TurnLimits;
  newId(): string;
}

export interface TurnInput {
  projectId: string;
  agent: AgentDefinition;
  /** The session's earlier turns' messages, oldest first (trimmed to the model's context here). */
  history: HistoryMessage[][];
  /** Client-side tool calls the session's last turn stopped with, waiting for their responses. */
  pending: { id: string; name: string }[];
  messages: DraftMessage[];
  /** Distinguishes this turn's tool call ids from the session's earlier ones. */
  turnSeq: number;
}

export interface TurnResult {
  turn: AgenticSystemTurn;
  status: TurnStatus;
  /** What this turn adds to the session's history. */
  added: HistoryMessage[];
}

export const STEP_LIMIT_TEXT = (n: number) =>
  `The turn stopped: it reached the limit of ${n} model inference steps (PLATFORM_AGENTS_MAX_STEPS) while the model was still calling tools.`;

/** The new messages as history: user text, or tool responses tied to the waiting calls by tool name. */
function newHistory(input: TurnInput): HistoryMessage[] {
  const waiting = [...input.pending];
  const out: HistoryMessage[] = [];
  input.messages.forEach((m, i) => {
    if (m.role === 'user') return out.push({ role: 'user', content: textOf(m.content) });
    m.tool_responses.forEach((r, j) => {
      const k = waiting.findIndex((c) => c.name === r.tool_name);
      if (k < 0)
        throw PlatformError.invalid(
          `messages[${i}].tool_responses[${j}]: no call of ${JSON.stringify(r.tool_name)} is waiting for a response in this session.`,
          `messages[${i}].tool_responses[${j}].tool_name`,
        );
      const [call] = waiting.splice(k, 1);
      out.push({ role: 'tool', content: textOf(r.content), name: r.tool_name, toolCallId: call.id });
    });
  });
  if (waiting.length)
    throw PlatformError.invalid(
      `messages: the session's last turn stopped with a call of ${waiting.map((c) => c.name).join(', ')}; send its response in a tool message first.`,
      'messages',
    );
  return out;
}

function toolsJson(agent: AgentDefinition, executable: ReadonlyMap<string, ExecutableTool>): string {
  if (agent.tools.length === 0) return '';
  return JSON.stringify(
    agent.tools.map((t) => {
      const builtin = executable.get(t.name);
      return {
        type: 'function',
        function: {
          name: t.name,
          description: t.description ?? builtin?.description ?? '',
          parameters: t.schema ?? builtin?.parameters ?? { type: 'object', properties: {} },
        },
      };
    }),
  );
}

const retrievedDocument = (h: MemoryHit): RetrievedDocument => ({
  uuid: h.documentUuid,
  content: Buffer.from(h.text, 'utf8').toString('base64'),
  metadata: { ...h.metadata, bank_uuid: h.bankUuid, chunk_index: h.chunkIndex, score: h.score },
  mime_type: 'text/plain',
});

/**
 * One turn of an agent: input shields, memory retrieval, then model inference and tool execution until the model
 * answers (or calls a client-side tool, or the step limit is reached), then output shields. Yields the draft's
 * stream chunks in order and returns the whole turn.
 */
export async function* runTurn(input: TurnInput, deps: TurnDeps, signal: AbortSignal): AsyncGenerator<StreamChunk, TurnResult> {
  const { agent } = input;
  const target = { modelId: agent.modelId, projectId: input.projectId };
  const added = newHistory(input);
  const steps: Step[] = [];
  const resuming = input.messages.every((m) => m.role === 'tool');
  const userText = added
    .filter((m) => m.role === 'user')
    .map((m) => m.content)
    .join('\n');

  const chunk = (
    event_type: StreamChunk['event_type'],
    step_uuid: string,
    step_type: StepType,
    extra: Partial<StreamChunk> = {},
  ): StreamChunk => ({
    event_type,
    step_uuid,
    step_type,
    ...extra,
  });
  const finish = (status: TurnStatus, response: DraftMessage): TurnResult => {
    // A turn waiting for a client-side tool already has the assistant's calls (and any built-in responses) in added.
    if (status !== 'awaiting_tool') added.push({ role: 'assistant', content: textOf(response.content) });
    return { turn: { user_messages: input.messages, steps, response_message: response }, status, added };
  };

  /** A safety_filtering step; its violation (if any) ends the turn. */
  async function* shieldStep(
    shields: readonly ShieldSpec[],
    text: string,
    side: string,
  ): AsyncGenerator<StreamChunk, Violation | undefined> {
    if (shields.length === 0) return undefined;
    const uuid = deps.newId();
    yield chunk('step_start', uuid, 'safety_filtering');
    const violation = await checkShields(deps.model, shields, text, side, signal);
    steps.push({ step_type: 'safety_filtering', uuid, ...(violation ? { violation } : {}) });
    yield chunk('step_end', uuid, 'safety_filtering', violation ? { violation } : {});
    return violation;
  }
  const blocked = (v: Violation) => finish('violation', assistantMessage(v.suggested_user_response ?? v.details));

  const inputViolation = yield* shieldStep(agent.inputShields, userText || added.map((m) => m.content).join('\n'), 'input');
  if (inputViolation) return blocked(inputViolation);

  let passages: string[] = [];
  if (agent.memoryBankUuids.length && userText.trim()) {
    const uuid = deps.newId();
    yield chunk('step_start', uuid, 'memory_retrieval');
    const hits = await deps.memory.search(input.projectId, agent.memoryBankUuids, userText, MEMORY_TOP_K, signal);
    const documents = hits.map(retrievedDocument);
    for (const d of documents) yield chunk('step_progress', uuid, 'memory_retrieval', { retrieved_document: d });
    steps.push({ step_type: 'memory_retrieval', uuid, documents, scores: hits.map((h) => h.score) });
    yield chunk('step_end', uuid, 'memory_retrieval');
    passages = hits.map((h, i) => citedContext([h]).replace(/^\[1\]/, `[${i + 1}]`));
  }

  const system = (kept: string[]): HistoryMessage => ({
    role: 'system',
    content: kept.length
      ? `${agent.instructions}\n\nPassages retrieved from the memory banks for this turn. Answer from them when they are relevant and cite each one you use by its document id:\n\n${kept.join('\n\n')}`
      : agent.instructions,
  });
  const conversation: HistoryMessage[] = [...added];
  const contextLength = await deps.model.contextLength(agent.modelId, signal);
  const tools = toolsJson(agent, deps.tools);
  const forced = resuming ? undefined : agent.tools.find((t) => t.required);

  for (let step = 0; step < deps.limits.maxSteps; step++) {
    const uuid = deps.newId();
    yield chunk('step_start', uuid, 'model_inference');
    const prompt = await fitPrompt(
      deps.model,
      target,
      contextLength,
      { history: input.history, passages, system, current: conversation, toolsJson: tools },
      deps.limits.maxTokens,
      signal,
    );
    const req: inferenceV1.ChatStreamRequest = {
      modelId: agent.modelId,
      projectId: input.projectId,
      spaceId: '',
      messages: prompt.messages.map(toChatMessage),
      parameters: {
        toolsJson: tools,
        toolChoiceJson: step === 0 && forced ? JSON.stringify({ type: 'function', function: { name: forced.name } }) : '',
        toolChoiceOption: '',
        responseFormatJson: '',
        logitBiasJson: '',
        guidedChoice: [],
        stop: [],
        timeLimit: 0,
        maxTokens: prompt.maxTokens,
        temperature: 0,
      },
    };
    let text = '';
    let stop: DraftStopReason = 'not_stopped';
    const gatherer = new ToolCallGatherer();
    for await (const item of deps.model.chatStream(req, signal)) {
      const choice = item.choices[0];
      if (!choice) continue;
      const delta = choice.message?.content ?? '';
      if (delta) {
        text += delta;
        yield chunk('step_progress', uuid, 'model_inference', { response_text_delta: delta });
      }
      gatherer.add(choice.message?.toolCalls ?? []);
      if (choice.stop) stop = draftStopReason(choice.stop);
    }
    // Arguments cut short (the answer's token budget ran out) are kept as valid JSON, so the history stays sendable.
    const calls = gatherer.all().map((c, i): GatheredCall => ({
      ...c,
      id: `call_${input.turnSeq}_${step}_${i}`,
      arguments: JSON.stringify(toolArguments(c.arguments)),
    }));
    for (const c of calls) yield chunk('step_progress', uuid, 'model_inference', { tool_call: draftCall(c) });
    steps.push({ step_type: 'model_inference', uuid, text });
    yield chunk('step_end', uuid, 'model_inference', { stop_reason: stop });

    if (calls.length === 0) {
      const outputViolation = yield* shieldStep(agent.outputShields, text, 'output');
      if (outputViolation) return blocked(outputViolation);
      return finish('completed', assistantMessage(text));
    }
    conversation.push({ role: 'assistant', content: text, toolCalls: calls });
    added.push({ role: 'assistant', content: text, toolCalls: calls });

    // A custom tool of the agent is the client's; anything else is answered here (a name the agent lacks, as an error).
    const clientCalls = calls.filter((c) => agent.tools.some((t) => t.name === c.name && !t.builtin));
    const serverCalls = calls.filter((c) => !clientCalls.includes(c));
    if (serverCalls.length) {
      const violation = yield* executeTools(serverCalls);
      if (violation) return blocked(violation);
    }
    if (clientCalls.length) {
      return finish('awaiting_tool', assistantMessage(text, clientCalls.map(draftCall)));
    }
  }
  const uuid = deps.newId();
  const limitText = STEP_LIMIT_TEXT(deps.limits.maxSteps);
  yield chunk('step_start', uuid, 'model_inference');
  yield chunk('step_progress', uuid, 'model_inference', { response_text_delta: limitText });
  steps.push({ step_type: 'model_inference', uuid, text: limitText });
  yield chunk('step_end', uuid, 'model_inference', { stop_reason: 'not_stopped' });
  return finish('step_limit', assistantMessage(limitText));

  /** A tool_execution step: each call's input shields, the tool, its output shields; responses join the conversation. */
  async function* executeTools(calls: GatheredCall[]): AsyncGenerator<StreamChunk, Violation | undefined> {
    for (const c of calls) {
      const violation = yield* shieldStep(agent.tools.find((t) => t.name === c.name)?.inputShields ?? [], c.arguments, 'tool_input');
      if (violation) return violation;
    }
    const uuid = deps.newId();
    yield chunk('step_start', uuid, 'tool_execution');
    const responses: DraftToolResponse[] = [];
    const outputs: string[] = [];
    for (const c of calls) {
      yield chunk('step_progress', uuid, 'tool_execution', { tool_call: draftCall(c) });
      const tool = agent.tools.some((t) => t.name === c.name) ? deps.tools.get(c.name) : undefined;
      const outcome = tool
        ? await tool.run(toolArguments(c.arguments), { projectId: input.projectId, memoryBankUuids: agent.memoryBankUuids, signal })
        : toolError(`the agent has no tool named ${JSON.stringify(c.name)}`);
      const response = { tool_name: c.name, content: outcome.content };
      responses.push(response);
      outputs.push(outcome.content);
      yield chunk('step_progress', uuid, 'tool_execution', { tool_response_delta: response });
      const message: HistoryMessage = { role: 'tool', content: outcome.content, name: c.name, toolCallId: c.id };
      conversation.push(message);
      added.push(message);
    }
    steps.push({ step_type: 'tool_execution', uuid, tool_calls: calls.map(draftCall), tool_responses: responses });
    yield chunk('step_end', uuid, 'tool_execution');
    for (const [i, c] of calls.entries()) {
      const violation = yield* shieldStep(agent.tools.find((t) => t.name === c.name)?.outputShields ?? [], outputs[i], 'tool_output');
      if (violation) return violation;
    }
    return undefined;
  }
}

const draftCall = (c: GatheredCall): DraftToolCall => ({ tool_name: c.name, arguments: toolArguments(c.arguments) });
