import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { connectGrpcService, type GrpcServiceClient, type RunningGrpcService } from '@platform/common';
import { grpcRefusal } from '@platform/common/grpc-refusal';
import { agentsV1, inferenceV1 } from '@platform/contracts';
import { freePort } from '@platform/infra';
import { S3ObjectStore, type ObjectStore } from '@platform/object-store';
import { writeTinyModel } from '@platform/engine/internals';
import { createTestDatabase, startStarterInference, type StarterInference } from '@platform/test-fixtures';
import Ajv2020 from 'ajv/dist/2020';
import { Client } from 'pg';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAgentDefinition } from '../agents/agent-definition';
import { startAgentsService } from '../main';
import { builtinTools } from '../tools/builtin-tools';
import { DEFAULT_SANDBOX_LIMITS, DEFAULT_SANDBOX_PROGRAMS } from '../tools/sandbox/sandbox-limits';
import { grpcModelPort } from './model-port';
import { runTurn, STEP_LIMIT_TEXT } from './turn-loop';
import type { AgenticSystemTurn, StreamChunk } from './turn-types';

const tag = randomBytes(4).toString('hex');
/**
 * A tiny random model with the e2e suite's 1,024-token context: a tool prompt (the engine's "You have access to the
 * following functions" and the definitions) does not fit the starter model's 256 tokens.
 */
const MODEL = 'tiny/agents';
const projectId = randomUUID();
const otherProject = randomUUID();

// The draft's own schemas check every chunk and turn (the repository's copy, as the e2e suite reads it).
const DRAFT = resolve(__dirname, '../../../platform-e2e/src/support/llama-stack-draft-openapi.json');
const spec = JSON.parse(readFileSync(DRAFT, 'utf8')) as { components: object };
const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addSchema({ $id: 'draft', components: spec.components });
function draftValid(schema: string, value: unknown): void {
  const validate = ajv.getSchema(`draft#/components/schemas/${schema}`);
  if (!validate) throw new Error(`no schema ${schema}`);
  expect(validate(value), `${schema}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value)}`).toBe(true);
}

let databaseUrl: string;
let vectorDir: string;
let modelRoot: string;
let store: ObjectStore;
let inference: StarterInference;
let service: RunningGrpcService;
let client: GrpcServiceClient<agentsV1.AgentServiceClient>;

const md = () => new Metadata();
const noShields = { input_shields: [], output_shields: [] };
const PII_SHIELD = { shield_type: 'llama_guard', params: { categories: ['pii'] } };

/**
 * A built-in or custom tool whose one argument is fixed by an enum, called on the turn's first step; a one-word
 * description keeps the tool prompt inside the tiny model's context.
 */
const forcedTool = (name: string, argument: string, value: string) => ({
  tool_name: name,
  parameters: {
    tool_choice: 'required',
    description: name,
    type: 'object',
    properties: { [argument]: { type: 'string', enum: [value] } },
    required: [argument],
  },
  ...noShields,
});

function agentJson(uuid: string, o: Record<string, unknown> = {}): string {
  return JSON.stringify({
    uuid,
    instructions: 'You are a helpful assistant.',
    model: 'llama3_8b_chat',
    available_tools: [],
    executable_tools: [],
    memory_bank_uuids: [],
    input_shields: [],
    output_shields: [],
    ...o,
  });
}

const createAgent = (uuid: string, o: Record<string, unknown> = {}, project = projectId) =>
  firstValueFrom(
    client.service.createAgent({ projectId: project, agentJson: agentJson(uuid, o), modelId: MODEL, createdBy: 'tester' }, md()),
  );

const user = (content: string) => ({ role: 'user', content, tool_calls: [], tool_responses: [] });

async function execute(
  agentUuid: string,
  messages: object[],
  sessionId = '',
  project = projectId,
): Promise<{ chunks: StreamChunk[]; turn: AgenticSystemTurn }> {
  const items = await lastValueFrom(
    client.service
      .executeTurn({ projectId: project, agentUuid, messagesJson: JSON.stringify(messages), turnHistoryJson: '[]', sessionId }, md())
      .pipe(toArray()),
  );
  const last = items.at(-1);
  expect(last?.turnJson).toBeTruthy();
  const chunks = items.slice(0, -1).map((i) => JSON.parse(i.chunkJson) as StreamChunk);
  for (const c of chunks) draftValid('AgenticSystemExecuteResponseStreamChunk', c);
  const turn = JSON.parse(last?.turnJson ?? '{}') as AgenticSystemTurn;
  draftValid('AgenticSystemTurn', turn);
  draftValid('AgenticSystemExecuteResponse', { turn });
  return { chunks, turn };
}

async function sql<T extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

/** The step sequence of a stream: each step's start, its progress kinds, its end. */
function outline(chunks: StreamChunk[]): string[] {
  return chunks.map((c) => {
    const what = Object.keys(c).filter((k) => !['event_type', 'step_uuid', 'step_type'].includes(k));
    return `${c.event_type}:${c.step_type}${what.length ? `:${what.join(',')}` : ''}`;
  });
}
const stepTypes = (turn: AgenticSystemTurn) => turn.steps.map((s) => s.step_type);

beforeAll(async () => {
  const s3 = inject('s3');
  databaseUrl = await createTestDatabase('agents');
  vectorDir = mkdtempSync(join(tmpdir(), 'agents-turns-vectors-'));
  store = new S3ObjectStore({ ...s3, region: 'us-east-1' });
  modelRoot = mkdtempSync(join(tmpdir(), 'agents-turns-model-'));
  writeTinyModel(join(modelRoot, 'tiny'), { maxPositionEmbeddings: 1024, hiddenSize: 128, layers: 4 });
  inference = await startStarterInference({ dir: join(modelRoot, 'tiny'), name: MODEL });
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    PLATFORM_S3_ENDPOINT: s3.endpoint,
    PLATFORM_S3_BUCKET: s3.bucket,
    PLATFORM_S3_ACCESS_KEY: s3.accessKey,
    PLATFORM_S3_SECRET_KEY: s3.secretKey,
    PLATFORM_VECTOR_INDEX_URI: vectorDir,
    PLATFORM_INFERENCE_GRPC_URL: inference.grpcUrl,
    PLATFORM_AGENTS_DOCUMENTS_PREFIX: `t${tag}/memory_banks/`,
    PLATFORM_AGENTS_CHUNK_TOKENS: '32',
    PLATFORM_AGENTS_CHUNK_OVERLAP_TOKENS: '8',
    PLATFORM_AGENTS_MAX_TOKENS: '200',
  });
  delete process.env.PLATFORM_AGENTS_EMBEDDING_MODEL;
  const grpcUrl = `127.0.0.1:${await freePort()}`;
  service = await startAgentsService({ grpcUrl, opsPort: await freePort() });
  client = connectGrpcService('agents', agentsV1.AGENT_SERVICE_NAME, { url: grpcUrl, deadline: 'long' });
}, 300_000);

afterAll(async () => {
  client?.close();
  await service?.close();
  await inference?.stop();
  await store?.deletePrefix(`t${tag}/`).catch(() => undefined);
  if (vectorDir) rmSync(vectorDir, { recursive: true, force: true });
  if (modelRoot) rmSync(modelRoot, { recursive: true, force: true });
});

describe('agents and turns on PostgreSQL and the real inference service over the starter model', () => {
  it('creates and deletes agents, refusing what the platform cannot run by the field', async () => {
    expect(await createAgent('plain')).toEqual({ agentUuid: 'plain' });
    expect(await grpcRefusal(createAgent('plain'))).toMatchObject({ code: GrpcStatus.ALREADY_EXISTS, field: 'uuid' });
    // The same uuid in another project is another agent.
    expect(await createAgent('plain', {}, otherProject)).toEqual({ agentUuid: 'plain' });
    expect(await grpcRefusal(createAgent('banked', { memory_bank_uuids: ['nope'] }))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
      field: 'memory_bank_uuids[0]',
    });
    expect(await grpcRefusal(createAgent('guarded', { input_shields: [{ shield_type: 'code_guard', params: {} }] }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'input_shields[0].shield_type',
    });
    expect(await grpcRefusal(createAgent('custom', { available_tools: [{ tool_name: 'get_weather', ...noShields }] }))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'available_tools[0].parameters',
    });
    expect(
      await grpcRefusal(
        createAgent('exec', {
          available_tools: [{ tool_name: 'get_weather', parameters: { city: { param_type: 'str' } }, ...noShields }],
          executable_tools: ['get_weather'],
        }),
      ),
    ).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field: 'executable_tools[0]' });
    const rows = await sql<{ agent_uuid: string; definition: { modelId: string } }>(
      'SELECT agent_uuid, definition FROM agents.agents WHERE project_id = $1',
      [projectId],
    );
    expect(rows.map((r) => [r.agent_uuid, r.definition.modelId])).toEqual([['plain', MODEL]]);

    await firstValueFrom(client.service.deleteAgent({ projectId, agentUuid: 'plain' }, md()));
    expect(await grpcRefusal(firstValueFrom(client.service.deleteAgent({ projectId, agentUuid: 'plain' }, md())))).toMatchObject({
      code: GrpcStatus.NOT_FOUND,
      field: 'agent_uuid',
    });
    expect(await grpcRefusal(execute('plain', [user('hi')]))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    // The other project's agent is untouched.
    expect((await execute('plain', [user('hi')], '', otherProject)).turn.response_message.role).toBe('assistant');
  });

  it('runs a math turn: the forced call, the tool step answering 14, then the answer; streamed chunk by chunk', async () => {
    await createAgent('calc', { available_tools: [forcedTool('math', 'expression', '2 + 3 * 4')], executable_tools: ['math'] });
    const { chunks, turn } = await execute('calc', [user('What is 2 + 3 * 4?')]);
    expect(stepTypes(turn)).toEqual(['model_inference', 'tool_execution', 'model_inference']);
    const toolStep = turn.steps[1] as Extract<AgenticSystemTurn['steps'][number], { step_type: 'tool_execution' }>;
    expect(toolStep.tool_calls).toEqual([{ tool_name: 'math', arguments: { expression: '2 + 3 * 4' } }]);
    expect(toolStep.tool_responses).toEqual([{ tool_name: 'math', content: '14' }]);
    const shape = outline(chunks).filter((s) => !s.endsWith(':response_text_delta'));
    expect(shape).toEqual([
      'step_start:model_inference',
      'step_progress:model_inference:tool_call',
      'step_end:model_inference:stop_reason',
      'step_start:tool_execution',
      'step_progress:tool_execution:tool_call',
      'step_progress:tool_execution:tool_response_delta',
      'step_end:tool_execution',
      'step_start:model_inference',
      'step_end:model_inference:stop_reason',
    ]);
    // Each step's chunks carry its uuid, and the last inference step's text is the answer, delta by delta.
    expect(new Set(chunks.map((c) => c.step_uuid))).toEqual(new Set(turn.steps.map((s) => s.uuid)));
    const answer = chunks.filter((c) => c.step_uuid === turn.steps[2].uuid && c.response_text_delta).map((c) => c.response_text_delta);
    expect(answer.join('')).toBe(turn.response_message.content);
    const stored = await sql<{ seq: number; status: string; turn: AgenticSystemTurn }>(
      `SELECT t.seq, t.status, t.turn FROM agents.agent_turns t JOIN agents.agent_sessions s ON s.id = t.session_id
       JOIN agents.agents a ON a.id = s.agent_id WHERE a.project_id = $1 AND a.agent_uuid = 'calc'`,
      [projectId],
    );
    expect(stored).toEqual([{ seq: 1, status: 'completed', turn }]);
  });

  it('runs Python in the sandbox as a code_interpreter step, and reports a sandbox failure as the tool response', async () => {
    await createAgent('coder', {
      available_tools: [forcedTool('code_interpreter', 'code', 'print(6 * 7)')],
      executable_tools: ['code_interpreter'],
    });
    const { turn } = await execute('coder', [user('Compute six times seven.')]);
    expect(turn.steps[1]).toMatchObject({
      step_type: 'tool_execution',
      tool_responses: [{ tool_name: 'code_interpreter', content: '[stdout]\n42\n' }],
    });
    await createAgent('escaper', {
      available_tools: [forcedTool('code_interpreter', 'code', 'open("/etc/passwd", "w").write("x")')],
      executable_tools: ['code_interpreter'],
    });
    const escaped = await execute('escaper', [user('Write the password file.')]);
    const response = (escaped.turn.steps[1] as { tool_responses: { content: string }[] }).tool_responses[0].content;
    expect(response).toMatch(/^code_interpreter: the program exited with code 1[\s\S]*Read-only file system: '\/etc\/passwd'/);
  });

  it('answers web_search with a clear tool error', async () => {
    await createAgent('searcher', { available_tools: [forcedTool('web_search', 'query', 'weather')], executable_tools: ['web_search'] });
    const { turn } = await execute('searcher', [user('Search the web.')]);
    expect(turn.steps[1]).toMatchObject({
      tool_responses: [
        { tool_name: 'web_search', content: 'web_search is not available: no web search provider is configured on this platform' },
      ],
    });
  });

  it('stops at a client-side tool call and resumes the session with its response', async () => {
    await createAgent('weather', { available_tools: [forcedTool('get_weather', 'city', 'Oslo')] });
    const first = await execute('weather', [user('Weather in Oslo?')], 'trip');
    expect(stepTypes(first.turn)).toEqual(['model_inference']);
    expect(first.turn.response_message.tool_calls).toEqual([{ tool_name: 'get_weather', arguments: { city: 'Oslo' } }]);
    expect(outline(first.chunks)).toContain('step_progress:model_inference:tool_call');

    // Not answering the waiting call is refused by the field; answering a tool nobody called too.
    expect(await grpcRefusal(execute('weather', [user('And tomorrow?')], 'trip'))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'messages',
    });
    const reply = (name: string) => ({
      role: 'tool',
      content: '',
      tool_calls: [],
      tool_responses: [{ tool_name: name, content: 'Sunny, 21 C' }],
    });
    expect(await grpcRefusal(execute('weather', [reply('get_time')], 'trip'))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'messages[0].tool_responses[0].tool_name',
    });

    const second = await execute('weather', [reply('get_weather')], 'trip');
    // Resuming does not force the tool again: the model answers.
    expect(stepTypes(second.turn)).toEqual(['model_inference']);
    expect(second.turn.response_message.tool_calls).toEqual([]);
    const turns = await sql<{
      seq: number;
      status: string;
      messages: { role: string; toolCallId?: string; toolCalls?: { id: string }[] }[];
    }>(
      `SELECT t.seq, t.status, t.messages FROM agents.agent_turns t JOIN agents.agent_sessions s ON s.id = t.session_id
       JOIN agents.agents a ON a.id = s.agent_id WHERE a.project_id = $1 AND a.agent_uuid = 'weather' AND s.name = 'trip' ORDER BY t.seq`,
      [projectId],
    );
    expect(turns.map((t) => [t.seq, t.status])).toEqual([
      [1, 'awaiting_tool'],
      [2, 'completed'],
    ]);
    const callId = turns[0].messages.at(-1)?.toolCalls?.[0].id;
    expect(callId).toBeTruthy();
    expect(turns[1].messages[0]).toMatchObject({ role: 'tool', toolCallId: callId });
    // Another session of the same agent starts fresh, with the tool forced again.
    const other = await execute('weather', [user('Weather?')], 'other');
    expect(other.turn.response_message.tool_calls).toHaveLength(1);
  });

  it('continues a session longer than the model’s context: the oldest turns are dropped, the turns stored', async () => {
    await createAgent('chatty');
    // Each message is about half of the 1,024-token context: from the second turn on, the first no longer fits.
    const long = (n: number) => `Turn ${n}: ${'pelicans nest on islands and migrate every spring. '.repeat(12)}`;
    for (let n = 1; n <= 3; n++) {
      const { turn } = await execute('chatty', [user(long(n))], 'long');
      expect(stepTypes(turn)).toEqual(['model_inference']);
    }
    const stored = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM agents.agent_turns t JOIN agents.agent_sessions s ON s.id = t.session_id
       JOIN agents.agents a ON a.id = s.agent_id WHERE a.project_id = $1 AND a.agent_uuid = 'chatty' AND s.name = 'long'`,
      [projectId],
    );
    expect(stored[0].n).toBe(3);
    // One message beyond the whole context is a 400 naming messages, before any model call.
    expect(await grpcRefusal(execute('chatty', [user(long(9).repeat(4))], 'long'))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'messages',
    });
  });

  it('ends the turn at an input shield violation without calling the model; clean input passes the shield step', async () => {
    await createAgent('shielded', { input_shields: [PII_SHIELD], output_shields: [] });
    const blocked = await execute('shielded', [user('Mail me at jane.doe@example.com please')]);
    expect(stepTypes(blocked.turn)).toEqual(['safety_filtering']);
    expect(blocked.turn.steps[0]).toMatchObject({
      violation: { violation_type: 'pii', details: expect.stringContaining('EmailAddress') as string },
    });
    expect(JSON.stringify(blocked.turn.steps[0])).not.toContain('jane.doe');
    expect(outline(blocked.chunks)).toEqual(['step_start:safety_filtering', 'step_end:safety_filtering:violation']);
    expect(blocked.turn.response_message.content).toMatch(/personal data/);
    const clean = await execute('shielded', [user('Tell me about pelicans')]);
    expect(stepTypes(clean.turn)).toEqual(['safety_filtering', 'model_inference']);
    expect(clean.turn.steps[0]).not.toHaveProperty('violation');
  });

  it('runs a tool’s output shields on its response: personal data a tool printed ends the turn with the violation', async () => {
    await createAgent('leaky', {
      available_tools: [{ ...forcedTool('code_interpreter', 'code', 'print("mail jane.doe@example.com")'), output_shields: [PII_SHIELD] }],
      executable_tools: ['code_interpreter'],
    });
    const { chunks, turn } = await execute('leaky', [user('Print the address.')]);
    expect(stepTypes(turn)).toEqual(['model_inference', 'tool_execution', 'safety_filtering']);
    expect(turn.steps[2]).toMatchObject({
      violation: { violation_type: 'pii', details: expect.stringContaining("the tool's response") as string },
    });
    expect(outline(chunks).at(-1)).toBe('step_end:safety_filtering:violation');
    expect(turn.response_message.content).toMatch(/personal data/);
  });

  it('retrieves from the agent’s memory banks into a memory_retrieval step citing the documents', async () => {
    const doc = (uuid: string, text: string) => ({
      uuid,
      content: Buffer.from(text),
      mimeType: 'text/plain',
      metadataJson: '{"source":"spec"}',
    });
    await firstValueFrom(
      client.service.createMemoryBank(
        {
          projectId,
          bankUuid: 'facts',
          bankName: 'facts',
          createdBy: 'tester',
          documents: [
            doc('pelicans', 'Pelicans nest on the small islands in the north of the lake.'),
            doc('tea', 'Tea is brewed with water just off the boil.'),
          ],
        },
        md(),
      ),
    );
    await createAgent('librarian', { memory_bank_uuids: ['facts'] });
    const { chunks, turn } = await execute('librarian', [user('Where do pelicans nest?')]);
    expect(stepTypes(turn)).toEqual(['memory_retrieval', 'model_inference']);
    const step = turn.steps[0] as Extract<AgenticSystemTurn['steps'][number], { step_type: 'memory_retrieval' }>;
    expect(step.documents[0]).toMatchObject({
      uuid: 'pelicans',
      mime_type: 'text/plain',
      metadata: { source: 'spec', bank_uuid: 'facts' },
    });
    expect(Buffer.from(step.documents[0].content, 'base64').toString()).toContain('Pelicans nest');
    expect(step.scores).toHaveLength(step.documents.length);
    expect(chunks.filter((c) => c.retrieved_document).map((c) => c.retrieved_document?.uuid)).toEqual(step.documents.map((d) => d.uuid));
  });

  /** runTurn itself over the real inference service (limits the service's configuration does not have). */
  async function runDirect(
    tools: object[],
    limits: { maxSteps: number; maxTokens: number },
    o: { agent?: Record<string, unknown>; text?: string; calls?: string[] } = {},
  ) {
    const inferenceClient = connectGrpcService<inferenceV1.InferenceServiceClient>('inference', inferenceV1.INFERENCE_SERVICE_NAME, {
      url: inference.grpcUrl,
      deadline: 'long',
    });
    // The real client, with the names of the RPCs the turn calls written down.
    const service = new Proxy(inferenceClient.service, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          o.calls?.push(String(key));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    try {
      const agent = parseAgentDefinition(agentJson('direct', { available_tools: tools, ...o.agent }), MODEL);
      const builtins = builtinTools({
        memory: { search: () => Promise.resolve([]) },
        sandbox: { limits: DEFAULT_SANDBOX_LIMITS, programs: DEFAULT_SANDBOX_PROGRAMS },
      });
      let n = 0;
      const gen = runTurn(
        { projectId, agent, history: [], pending: [], messages: [user(o.text ?? '1 + 1?') as never], turnSeq: 1 },
        {
          model: grpcModelPort(service),
          tools: builtins,
          memory: { search: () => Promise.resolve([]) },
          limits,
          newId: () => `s${++n}`,
        },
        new AbortController().signal,
      );
      const chunks: StreamChunk[] = [];
      let next = await gen.next();
      while (!next.done) {
        chunks.push(next.value);
        next = await gen.next();
      }
      return { chunks, result: next.value };
    } finally {
      inferenceClient.close();
    }
  }

  it('ends a turn whose model is still calling tools at the step limit with a step saying so (the loop over the real inference path)', async () => {
    const { chunks, result } = await runDirect([forcedTool('math', 'expression', '1 + 1')], { maxSteps: 1, maxTokens: 200 });
    expect(result.status).toBe('step_limit');
    expect(stepTypes(result.turn)).toEqual(['model_inference', 'tool_execution', 'model_inference']);
    expect(result.turn.response_message.content).toBe(STEP_LIMIT_TEXT(1));
    expect(chunks.slice(-3).map((c) => [c.event_type, c.response_text_delta ?? c.stop_reason])).toEqual([
      ['step_start', undefined],
      ['step_progress', STEP_LIMIT_TEXT(1)],
      ['step_end', 'not_stopped'],
    ]);
  });

  it('checks shields with the inference service’s Moderate: no generation is spent on a shield check', async () => {
    const shielded = { input_shields: [PII_SHIELD], output_shields: [{ shield_type: 'llama_guard', params: {} }] };
    const blockedCalls: string[] = [];
    const blocked = await runDirect(
      [],
      { maxSteps: 1, maxTokens: 20 },
      { agent: shielded, text: 'Mail jane.doe@example.com', calls: blockedCalls },
    );
    expect(blocked.result.status).toBe('violation');
    expect(blocked.result.turn.steps).toEqual([
      expect.objectContaining({ step_type: 'safety_filtering', violation: expect.objectContaining({ violation_type: 'pii' }) as object }),
    ]);
    expect(blockedCalls).toEqual(['moderate']);
    const cleanCalls: string[] = [];
    const clean = await runDirect(
      [],
      { maxSteps: 1, maxTokens: 20 },
      { agent: shielded, text: 'Tell me about pelicans', calls: cleanCalls },
    );
    expect(stepTypes(clean.result.turn)).toEqual(['safety_filtering', 'model_inference', 'safety_filtering']);
    // The output shield's Moderate is skipped when the tiny model's answer is blank; the input shield's always runs.
    expect(cleanCalls[0]).toBe('moderate');
    expect(cleanCalls).not.toContain('generate');
    expect(cleanCalls).not.toContain('generateStream');
  });

  it('answers a call cut short by the token budget with the tool’s error and continues (its arguments stay valid JSON)', async () => {
    const { result } = await runDirect([forcedTool('math', 'expression', '2 + 3 * 4')], { maxSteps: 2, maxTokens: 40 });
    expect(stepTypes(result.turn)).toEqual(['model_inference', 'tool_execution', 'model_inference']);
    expect(result.turn.steps[1]).toMatchObject({
      tool_responses: [{ tool_name: 'math', content: 'the expression argument must be a non-empty string' }],
    });
    expect(result.status).toBe('completed');
  });
});
