import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PlatformError, type StreamObserver, type StreamSource } from '@platform/common';
import type { agentsV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { agentIdOf } from './agentic-system.controller';
import { TurnChunks, wholeTurn } from './agentic-system-stream';
import { AgenticSystemCreateRequestDto, AgenticSystemExecuteRequestDto } from './agentic-system.dto';
import { FailedChunk, LLAMA_STACK_STREAM } from './llama-stack-stream';

// The repository's copy of the draft (apps/platform-e2e keeps it); read as data, not imported.
const DRAFT_TEXT = readFileSync(resolve(__dirname, '../../../platform-e2e/src/support/llama-stack-draft-openapi.json'), 'utf8');
type Components = {
  schemas: Record<string, { properties: Record<string, { items: { properties: Record<string, Record<string, unknown>> } }> }>;
};
const validators = (patch: (c: Components) => void) => {
  const components = (JSON.parse(DRAFT_TEXT) as { components: Components }).components;
  patch(components);
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema({ $id: 'draft', components });
  return (name: string, value: unknown) => {
    const v = ajv.getSchema(`draft#/components/schemas/${name}`)!;
    return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
  };
};
/**
 * A tool's tool_name is oneOf the built-in names and any string, so a built-in name (matching both) never satisfies
 * it: requests are validated with that oneOf read as anyOf, as the e2e's DraftValidator does.
 */
const schemaErrors = validators((c) => {
  const name = c.schemas.AgenticSystemCreateRequest.properties.available_tools.items.properties.tool_name;
  name.anyOf = name.oneOf;
  delete name.oneOf;
});
const strictErrors = validators(() => undefined);
const dtoErrors = <T extends object>(cls: new () => T, body: unknown) =>
  validateSync(plainToInstance(cls, body) as object, { whitelist: true }).map((e) => e.property);

const SHIELD = { shield_type: 'llama_guard', params: { categories: ['pii'] } };
const create = {
  uuid: 'helper-1',
  instructions: 'Answer from the passages.',
  model: 'llama3_8b_chat',
  available_tools: [
    { tool_name: 'math', parameters: { tool_choice: 'required' }, input_shields: [], output_shields: [SHIELD] },
    { tool_name: 'memory', input_shields: [], output_shields: [] },
    {
      tool_name: 'lookup_order',
      parameters: { order_id: { param_type: 'string', description: 'the order', required: true } },
      input_shields: [],
      output_shields: [],
    },
  ],
  executable_tools: ['math', 'memory'],
  memory_bank_uuids: ['docs'],
  input_shields: [SHIELD],
  output_shields: [],
};
const user = (content: string) => ({ role: 'user', content, tool_calls: [], tool_responses: [] });
const turn = {
  user_messages: [user('What is 2 + 3 * 4?')],
  steps: [
    { step_type: 'model_inference', uuid: 's1', text: '' },
    {
      step_type: 'tool_execution',
      uuid: 's2',
      tool_calls: [{ tool_name: 'math', arguments: { expression: '2 + 3 * 4' } }],
      tool_responses: [{ tool_name: 'math', content: '14' }],
    },
    {
      step_type: 'memory_retrieval',
      uuid: 's3',
      documents: [{ uuid: 'd', content: 'aGk=', metadata: {}, mime_type: 'text/plain' }],
      scores: [0.5],
    },
  ],
  response_message: { role: 'assistant', content: '14', tool_calls: [], tool_responses: [] },
};
const execute = { agent_uuid: 'helper-1', messages: [user('And 2 * 2?')], turn_history: [turn], stream: true };

describe('/agentic_system requests against the draft', () => {
  it('accepts the draft AgenticSystemCreateRequest (built-in tool names only with tool_name read as anyOf) and sends it whole', () => {
    expect(strictErrors('AgenticSystemCreateRequest', create)).toEqual([
      '/available_tools/0/tool_name must match exactly one schema in oneOf',
    ]);
    expect(schemaErrors('AgenticSystemCreateRequest', create)).toEqual([]);
    expect(dtoErrors(AgenticSystemCreateRequestDto, create)).toEqual([]);
    // agent_json is the checked body as JSON: nothing the service reads is lost on the way (parameters stay whole).
    expect(JSON.parse(JSON.stringify(plainToInstance(AgenticSystemCreateRequestDto, create)))).toEqual(create);
    const minimal = { uuid: 'a', instructions: '', model: 'llama3_8b_chat' };
    expect(dtoErrors(AgenticSystemCreateRequestDto, minimal)).toEqual([]);
  });

  it('refuses what the draft refuses, naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...create, uuid: undefined }, 'uuid'],
      [{ ...create, instructions: 3 }, 'instructions'],
      [{ ...create, available_tools: [{ parameters: {} }] }, 'available_tools'],
      [{ ...create, available_tools: [{ tool_name: 'math', parameters: 'x' }] }, 'available_tools'],
      [{ ...create, input_shields: [{ shield_type: 'no_such_guard', params: {} }] }, 'input_shields'],
      [{ ...create, executable_tools: [1] }, 'executable_tools'],
      [{ ...create, memory_bank_uuids: 'docs' }, 'memory_bank_uuids'],
    ];
    for (const [body, field] of cases) {
      expect(schemaErrors('AgenticSystemCreateRequest', body), field).not.toEqual([]);
      expect(dtoErrors(AgenticSystemCreateRequestDto, body)).toEqual([field]);
    }
    expect(dtoErrors(AgenticSystemCreateRequestDto, { ...create, uuid: 'u'.repeat(257) })).toEqual(['uuid']);
    const deep = { tool_name: 'x', parameters: { big: 'x'.repeat(70_000) }, input_shields: [], output_shields: [] };
    expect(dtoErrors(AgenticSystemCreateRequestDto, { ...create, available_tools: [deep] })).toEqual(['available_tools']);
  });

  it('accepts the draft AgenticSystemExecuteRequest and refuses its violations', () => {
    expect(schemaErrors('AgenticSystemExecuteRequest', execute)).toEqual([]);
    expect(dtoErrors(AgenticSystemExecuteRequestDto, execute)).toEqual([]);
    expect(dtoErrors(AgenticSystemExecuteRequestDto, { agent_uuid: 'a', messages: [user('hi')] })).toEqual([]);
    const cases: [Record<string, unknown>, string][] = [
      [{ ...execute, agent_uuid: undefined }, 'agent_uuid'],
      [{ ...execute, messages: [{ role: 'robot', content: 'hi' }] }, 'messages'],
      [{ ...execute, stream: 'yes' }, 'stream'],
      [{ ...execute, turn_history: ['turn'] }, 'turn_history'],
    ];
    for (const [body, field] of cases) {
      expect(schemaErrors('AgenticSystemExecuteRequest', body), field).not.toEqual([]);
      expect(dtoErrors(AgenticSystemExecuteRequestDto, body)).toEqual([field]);
    }
    // Stricter than the draft: a turn needs a message.
    expect(dtoErrors(AgenticSystemExecuteRequestDto, { ...execute, messages: [] })).toEqual(['messages']);
  });

  it('requires agent_id on delete, bounded', () => {
    expect(agentIdOf('helper-1')).toBe('helper-1');
    const refused = (id: string | undefined) => {
      try {
        agentIdOf(id);
      } catch (e) {
        return (e as PlatformError).target?.name;
      }
      return 'accepted';
    };
    expect([refused(undefined), refused(''), refused('a'.repeat(257))]).toEqual(['agent_id', 'agent_id', 'agent_id']);
  });
});

const item = (chunk: object): agentsV1.ExecuteTurnResponse => ({ chunkJson: JSON.stringify(chunk), turnJson: '' });
const last: agentsV1.ExecuteTurnResponse = { chunkJson: '', turnJson: JSON.stringify(turn) };
const CHUNKS = [
  { event_type: 'step_start', step_uuid: 'm', step_type: 'memory_retrieval' },
  {
    event_type: 'step_progress',
    step_uuid: 'm',
    step_type: 'memory_retrieval',
    retrieved_document: { uuid: 'd', content: 'aGk=', metadata: { bank_uuid: 'docs', score: 0.5 }, mime_type: 'text/plain' },
  },
  { event_type: 'step_end', step_uuid: 'm', step_type: 'memory_retrieval' },
  { event_type: 'step_start', step_uuid: 'i', step_type: 'model_inference' },
  { event_type: 'step_progress', step_uuid: 'i', step_type: 'model_inference', response_text_delta: 'He' },
];

describe('the turn stream', () => {
  it('sends each chunk as a draft chunk, and not the last event (the whole turn)', () => {
    const chunks = new TurnChunks();
    const sent = [...CHUNKS.map(item), last].map((i) => chunks.view(i));
    expect(sent).toEqual([...CHUNKS, undefined]);
    for (const c of CHUNKS) expect(schemaErrors('AgenticSystemExecuteResponseStreamChunk', c)).toEqual([]);
  });

  it('ends the open step with not_stopped on a failure, flagged as an error event', () => {
    const chunks = new TurnChunks();
    CHUNKS.forEach((c) => chunks.view(item(c)));
    const failed = chunks.failed();
    expect(failed).toBeInstanceOf(FailedChunk);
    expect(failed.chunk).toEqual({ event_type: 'step_end', step_uuid: 'i', step_type: 'model_inference', stop_reason: 'not_stopped' });
    expect(LLAMA_STACK_STREAM.frame(1, failed)).toBe(`event: error\ndata: ${JSON.stringify(failed.chunk)}\n\n`);
    expect(schemaErrors('AgenticSystemExecuteResponseStreamChunk', failed.chunk)).toEqual([]);

    // No step open (the last one ended): a step of its own, still a draft chunk.
    const between = new TurnChunks();
    CHUNKS.slice(0, 3).forEach((c) => between.view(item(c)));
    const own = between.failed().chunk as { step_uuid: string };
    expect(own.step_uuid).not.toBe('m');
    expect(schemaErrors('AgenticSystemExecuteResponseStreamChunk', own)).toEqual([]);
  });
});

/** A server stream driven by the test: what the plain gRPC stream does, observable from outside. */
function scriptedStream() {
  let observer: StreamObserver<agentsV1.ExecuteTurnResponse> | undefined;
  let unsubscribed = 0;
  const source: StreamSource<agentsV1.ExecuteTurnResponse> = {
    subscribe(o) {
      observer = o;
      return { unsubscribe: () => void unsubscribed++ };
    },
  };
  return { source, observer: () => observer as StreamObserver<agentsV1.ExecuteTurnResponse>, unsubscribed: () => unsubscribed };
}

describe('wholeTurn (execute without stream)', () => {
  it('answers the turn of the last event, valid as the draft AgenticSystemExecuteResponse', async () => {
    const s = scriptedStream();
    const result = wholeTurn(s.source, new AbortController().signal);
    CHUNKS.forEach((c) => s.observer().next(item(c)));
    s.observer().next(last);
    s.observer().complete();
    const answered = await result;
    expect(answered).toEqual(turn);
    expect(schemaErrors('AgenticSystemExecuteResponse', { turn: answered })).toEqual([]);
  });

  it('passes the service’s error on, and refuses a stream that ended without its turn', async () => {
    const failing = scriptedStream();
    const err = new PlatformError(5, 'agent_not_found', 'Agent "x" does not exist in this project.');
    const failed = wholeTurn(failing.source, new AbortController().signal);
    failing.observer().error(err);
    await expect(failed).rejects.toBe(err);

    const cut = scriptedStream();
    const ended = wholeTurn(cut.source, new AbortController().signal);
    cut.observer().next(item(CHUNKS[0]));
    cut.observer().complete();
    await expect(ended).rejects.toMatchObject({ code: 'internal_error' });
  });

  it('cancels the call when the client goes away, and settles', async () => {
    const s = scriptedStream();
    const gone = new AbortController();
    const result = wholeTurn(s.source, gone.signal);
    s.observer().next(item(CHUNKS[0]));
    gone.abort();
    await expect(result).resolves.toBeUndefined();
    expect(s.unsubscribed()).toBe(1);
  });
});
