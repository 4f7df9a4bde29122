import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { connectGrpcService, type GrpcServiceClient, type RunningGrpcService } from '@platform/common';
import { grpcRefusal } from '@platform/common/grpc-refusal';
import { documentsV1 } from '@platform/contracts';
import { encodeEvent } from '@platform/events';
import { freePort } from '@platform/infra';
import { S3ObjectStore, type ObjectStore } from '@platform/object-store';
import { writeTinyModel } from '@platform/engine/internals';
import { VectorIndex, loadVectorIndexSettings } from '@platform/retrieval';
import { createTestDatabase, startStarterInference, waitFor, type StarterInference } from '@platform/test-fixtures';
import { Client } from 'pg';
import { firstValueFrom, type Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDocumentsService } from '../main';
import type { RagResultEntry } from './evaluation';
import { ragJobCatalog } from './rag-events';

const tag = randomBytes(4).toString('hex');
const projectId = randomUUID();
/** A second embedding model, 64 wide where the starter model is 128: the two cannot share a LanceDB table. */
const NARROW_MODEL = 'spec/tiny-64';

/** Four short documents, each holding the answer to one question. */
const DOCUMENTS: Record<string, string> = {
  'pelicans.md':
    '# Pelicans\n\nPelicans migrate across the lake every spring. They nest on the small islands in the north.\n\n' +
    'A pelican catches fish by scooping them up with its throat pouch. Colonies can hold thousands of birds.\n',
  'gateway.md':
    '# Gateway\n\nThe gateway listens on port 8080 and forwards requests to the services.\n\n' +
    'It checks every bearer token before a request reaches a service, and it answers health checks on /health.\n',
  'tea.txt':
    'Green tea is brewed with water at about eighty degrees for two minutes. Black tea takes boiling water and four minutes.\n' +
    'Tea leaves keep best in a dark tin away from spices.\n',
  'trains.md':
    '# Trains\n\nMorning trains leave the northern station every twenty minutes. The last train departs at midnight.\n\n' +
    'Tickets are sold at the machines beside platform one.\n',
};
const QUESTIONS = [
  {
    question: 'How do pelicans catch fish?',
    correct_answer: 'by scooping them up with the throat pouch',
    correct_answer_document_ids: ['pelicans.md'],
  },
  { question: 'Which port does the gateway listen on?', correct_answer: 'port 8080', correct_answer_document_ids: ['gateway.md'] },
  {
    question: 'How long is green tea brewed?',
    correct_answer: 'two minutes at about eighty degrees',
    correct_answer_document_ids: ['tea.txt'],
  },
  { question: 'How often do morning trains leave?', correct_answer: 'every twenty minutes', correct_answer_document_ids: ['trains.md'] },
];

let databaseUrl: string;
let vectorDir: string;
let store: ObjectStore;
let inference: StarterInference;
let service: RunningGrpcService;
let client: GrpcServiceClient<documentsV1.DocumentServiceClient>;

const file = (path: string) => `projects/${projectId}/assets/${path}`;
const put = (path: string, body: string) => store.put(file(path), Buffer.from(body));
const ref = (path: string) => ({ type: 'container', location: { path } });
const call = <T>(o: Observable<T>) => firstValueFrom(o);

const api = {
  create: (entity: object) =>
    call(
      client.service.createRagExperiment({
        projectId,
        spaceId: '',
        name: 'spec',
        description: '',
        tags: [],
        createdBy: 'tester',
        requestJson: JSON.stringify(entity),
      }),
    ).then((r) => r.experiment!),
  get: (id: string) => call(client.service.getRagExperiment({ projectId, spaceId: '', id })).then((r) => r.experiment!),
  list: () => call(client.service.listRagExperiments({ projectId, spaceId: '', start: '', limit: 0 })),
  delete: (id: string, hardDelete = false) => call(client.service.deleteRagExperiment({ projectId, spaceId: '', id, hardDelete })),
  prompt: (experimentId: string, patternName: string, question: string) =>
    call(client.service.buildRagPrompt({ projectId, spaceId: '', experimentId, patternName, question })),
};

async function keys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const k of store.list(prefix)) out.push(k);
  return out.sort();
}

async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

const ended = async (id: string, timeoutMs: number): Promise<documentsV1.RagExperiment> => {
  let last: documentsV1.RagExperiment | undefined;
  await waitFor(
    async () => {
      last = await api.get(id);
      return ['completed', 'failed', 'canceled'].includes(last.status!.state);
    },
    timeoutMs,
    250,
  );
  return last!;
};

const experiment = (results: string, extra: object = {}) => ({
  input_data_references: [ref('docs/')],
  test_data_references: [ref('questions.json')],
  results_reference: ref(results),
  ...extra,
});

const liveGenerations = (collectionPrefix: string) =>
  sql<{ n: number }>(`SELECT count(*)::int AS n FROM documents.retrieval_generations WHERE collection LIKE $1`, [
    `${collectionPrefix}%`,
  ]).then((r) => r[0].n);

beforeAll(async () => {
  const s3 = inject('s3');
  databaseUrl = await createTestDatabase('documents');
  vectorDir = mkdtempSync(join(tmpdir(), 'documents-vectors-'));
  store = new S3ObjectStore({ ...s3, region: 'us-east-1' });
  for (const [name, text] of Object.entries(DOCUMENTS)) await put(`docs/${name}`, text);
  await put('questions.json', JSON.stringify(QUESTIONS));
  const tinyDir = join(vectorDir, 'tiny-model');
  writeTinyModel(tinyDir, { hiddenSize: 64, maxPositionEmbeddings: 512 });
  inference = await startStarterInference(undefined, [{ dir: tinyDir, name: NARROW_MODEL }]);
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    NATS_URL: inject('natsUrl'),
    PLATFORM_S3_ENDPOINT: s3.endpoint,
    PLATFORM_S3_BUCKET: s3.bucket,
    PLATFORM_S3_ACCESS_KEY: s3.accessKey,
    PLATFORM_S3_SECRET_KEY: s3.secretKey,
    PLATFORM_VECTOR_INDEX_URI: vectorDir,
    PLATFORM_INFERENCE_GRPC_URL: inference.grpcUrl,
    PLATFORM_EVENTS_PREFIX: `r${tag}.events`,
    PLATFORM_EVENTS_STREAM: `RAG_EVENTS_${tag.toUpperCase()}`,
    PLATFORM_DOCUMENTS_JOBS_PREFIX: `r${tag}.jobs`,
    PLATFORM_DOCUMENTS_JOBS_STREAM: `RAG_JOBS_${tag.toUpperCase()}`,
    PLATFORM_DOCUMENTS_DURABLE_PREFIX: `rag_${tag}`,
    PLATFORM_DOCUMENTS_EXTRACTION_WORKERS: '0',
    PLATFORM_DOCUMENTS_RAG_WORKERS: '1',
    PLATFORM_DOCUMENTS_HEARTBEAT_MS: '200',
  });
  const grpcUrl = `127.0.0.1:${await freePort()}`;
  service = await startDocumentsService({ grpcUrl, opsPort: await freePort() });
  client = connectGrpcService('documents', documentsV1.DOCUMENT_SERVICE_NAME, { url: grpcUrl, deadline: 'long' });
}, 300_000);

afterAll(async () => {
  client?.close();
  await service?.close();
  await inference?.stop();
  await store?.deletePrefix(`projects/${projectId}/`).catch(() => undefined);
  if (vectorDir) rmSync(vectorDir, { recursive: true, force: true });
});

describe('AutoAI RAG experiments on PostgreSQL, NATS, S3, LanceDB and the real inference service over the starter model', () => {
  it('refuses bad input at create with INVALID_ARGUMENT naming the field or the test data item, and writes nothing', async () => {
    await put(
      'bad-questions.json',
      JSON.stringify([
        QUESTIONS[0],
        { question: 'Who?', correct_answer_document_ids: ['tea.txt'] },
        { ...QUESTIONS[1], correct_answer_document_ids: ['nowhere.md'] },
      ]),
    );
    await put('not-json.json', '{"question": ');
    const bad = await grpcRefusal(api.create(experiment('out', { test_data_references: [ref('bad-questions.json')] })));
    expect(bad).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, field: 'test_data_references[0]' });
    expect(bad.issues.join('\n')).toMatch(/\[1\]\.correct_answer is missing/);
    expect(bad.issues.join('\n')).toMatch(/\[2\]\.correct_answer_document_ids\[0\] "nowhere\.md" is not one of the input documents/);
    expect(await grpcRefusal(api.create(experiment('out', { test_data_references: [ref('not-json.json')] })))).toMatchObject({
      field: 'test_data_references[0]',
      message: expect.stringMatching(/not JSON/),
    });
    const cases: [object, string, RegExp][] = [
      [{ input_data_references: [ref('docs/missing.md')] }, 'input_data_references[0]', /no file at "docs\/missing\.md"/],
      [{ input_data_references: [ref('empty-dir/')] }, 'input_data_references[0]', /no files under/],
      [{ test_data_references: [ref('nothing.json')] }, 'test_data_references[0]', /no file at "nothing\.json"/],
      [
        { input_data_references: [{ type: 'connection_asset', connection: { id: randomUUID() }, location: { path: 'docs/' } }] },
        'input_data_references[0].type',
        /use type "container"/,
      ],
      [
        { vector_store_references: [{ type: 'connection_asset', connection: { id: randomUUID() } }] },
        'vector_store_references[0]',
        /embedded vector index/,
      ],
      [
        { parameters: { constraints: { foundation_models: ['no/such-model'] } } },
        'parameters.constraints.foundation_models[0]',
        /not a model the platform serves/,
      ],
      [{ results_reference: ref('../elsewhere') }, 'results_reference.location.path', /"\." or "\.\." segments/],
    ];
    for (const [extra, field, message] of cases)
      expect(await grpcRefusal(api.create(experiment('out', extra))), field).toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        field,
        message: expect.stringMatching(message),
      });
    expect((await api.list()).experiments).toEqual([]);
    expect(await keys(file('out/'))).toEqual([]);
  });

  it('fails an experiment whose input document cannot be read, naming it, with nothing left under assets', async () => {
    await put('broken/notes.md', DOCUMENTS['tea.txt']);
    await put('broken/scan.pdf', '%PDF-1.7\nthis is not a PDF body');
    await put('broken-questions.json', JSON.stringify([{ ...QUESTIONS[2], correct_answer_document_ids: ['notes.md'] }]));
    const created = await api.create(
      experiment('broken-out', { input_data_references: [ref('broken/')], test_data_references: [ref('broken-questions.json')] }),
    );
    const done = await ended(created.id, 120_000);
    expect(done.status).toMatchObject({
      state: 'failed',
      messageLevel: 'error',
      messageText: expect.stringMatching(/input document "scan\.pdf"/),
    });
    expect(done.status!.failureCode).not.toBe('');
    expect(JSON.parse(done.resultsJson)).toEqual([]);
    const root = file(`broken-out/${created.id}/rag/`);
    expect((await keys(root)).map((k) => k.slice(root.length))).toEqual(['training-status.json', 'training.log']);
    const status = JSON.parse((await store.getBuffer(`${root}training-status.json`)).toString()) as {
      state: string;
      failure: { reason: string };
    };
    expect(status).toMatchObject({ state: 'failed', failure: { reason: expect.stringMatching(/scan\.pdf/) } });
  }, 200_000);

  it('fails an experiment its workers kept dying on without running it again: its files gone, its status file saying failed', async () => {
    // An experiment that fails at once (an unreadable PDF) leaves a row and a results directory to start from.
    await put('gave-up-in/scan.pdf', '%PDF-1.7\nthis is not a PDF body');
    await put('gave-up-questions.json', JSON.stringify([{ ...QUESTIONS[2], correct_answer_document_ids: ['scan.pdf'] }]));
    const created = await api.create(
      experiment('gave-up', { input_data_references: [ref('gave-up-in/')], test_data_references: [ref('gave-up-questions.json')] }),
    );
    await ended(created.id, 120_000);
    // As the fifth (PLATFORM_DOCUMENTS_MAX_ATTEMPTS) worker to claim it leaves it: a pattern file recorded and written,
    // the status file saying running, the lease lapsed. The job's message comes once more, as after that worker died.
    const root = file(`gave-up/${created.id}/rag/`);
    const pattern = `${root}assets/Pattern1/evaluation_results.json`;
    await store.put(pattern, Buffer.from('[]'));
    await store.put(`${root}training-status.json`, Buffer.from(JSON.stringify({ id: created.id, state: 'running' })));
    await sql(
      `UPDATE documents.rag_experiments SET status = 'running', state = 'running', attempts = 5, lease_owner = 'dead-worker',
         lease_expires_at = now() - interval '1 second', written_keys = $2, failure_code = '', failure_reason = '' WHERE id = $1`,
      [created.id, JSON.stringify([pattern])],
    );
    const nc = await connect({ servers: inject('natsUrl') });
    try {
      const jobs = ragJobCatalog(`r${tag}.jobs`);
      await jetstream(nc).publish(
        jobs.subject('documents.rag.run'),
        encodeEvent(jobs.create('documents.rag.run', { experimentId: created.id })),
      );
    } finally {
      await nc.close();
    }

    const done = await ended(created.id, 60_000);
    expect(done.status).toMatchObject({ state: 'failed', messageText: expect.stringMatching(/^gave up after 5 attempts: /) });
    expect((await keys(root)).map((k) => k.slice(root.length))).toEqual(['training-status.json', 'training.log']);
    const status = JSON.parse((await store.getBuffer(`${root}training-status.json`)).toString()) as object;
    expect(status).toMatchObject({ state: 'failed', failure: { code: 'autoai_rag_failed', reason: done.status!.messageText } });
  }, 200_000);

  it('runs an experiment to completion: patterns ranked by the optimization metric, artifacts under results_reference, and a pattern’s prompt', async () => {
    const created = await api.create(
      experiment('results', {
        parameters: {
          constraints: {
            chunking: [
              { method: 'recursive', chunk_size: 32, chunk_overlap: 8 },
              { method: 'recursive', chunk_size: 64, chunk_overlap: 16 },
            ],
            retrieval: [
              { method: 'simple', number_of_chunks: 2 },
              { method: 'window', number_of_chunks: 2, window_size: 1 },
            ],
            max_number_of_rag_patterns: 4,
          },
          optimization: { metrics: ['context_correctness'] },
        },
      }),
    );
    expect(created.status).toMatchObject({ state: 'pending' });
    const request = JSON.parse(created.requestJson) as { results_reference: { location: Record<string, string> } };
    expect(request.results_reference.location).toEqual({
      path: 'results',
      training: `results/${created.id}`,
      training_status: `results/${created.id}/rag/training-status.json`,
      assets_path: `results/${created.id}/rag/assets`,
      training_log: `results/${created.id}/rag/training.log`,
    });

    const done = await ended(created.id, 400_000);
    expect(done.status, done.status?.messageText).toMatchObject({ state: 'completed', messageLevel: 'info' });
    const results = JSON.parse(done.resultsJson) as RagResultEntry[];
    expect(results).toHaveLength(4);
    const mean = (r: RagResultEntry, metric: string) => r.metrics.test_data.find((m) => m.metric_name === metric)!.mean;
    for (let i = 1; i < results.length; i++)
      expect(mean(results[i - 1], 'context_correctness')).toBeGreaterThanOrEqual(mean(results[i], 'context_correctness'));
    for (const r of results) {
      expect(r.metrics.test_data.map((m) => m.metric_name)).toEqual(['context_correctness', 'answer_correctness', 'faithfulness']);
      for (const m of r.metrics.test_data) expect(m.ci_low <= m.mean && m.mean <= m.ci_high).toBe(true);
      expect(r.context.max_combinations).toBe(4);
      expect(r.context.rag_pattern.location.evaluation_results).toBe(
        `results/${created.id}/rag/assets/${r.context.rag_pattern.name}/evaluation_results.json`,
      );
    }
    const best = results[0];
    console.log(
      `best pattern ${best.context.rag_pattern.name}: context_correctness ${mean(best, 'context_correctness')}, answer_correctness ${mean(best, 'answer_correctness')}`,
    );
    // Retrieval over four distinct documents finds the right one for most questions even with the tiny model's embeddings.
    expect(mean(best, 'context_correctness')).toBeGreaterThanOrEqual(0.5);

    const root = file(`results/${created.id}/rag/`);
    const written = await keys(root);
    expect(written).toContain(`${root}training-status.json`);
    expect(written).toContain(`${root}training.log`);
    for (const r of results) {
      const evaluation = JSON.parse((await store.getBuffer(file(r.context.rag_pattern.location.evaluation_results))).toString()) as {
        question: string;
        answer: string;
        answer_contexts: unknown[];
      }[];
      expect(evaluation.map((e) => e.question)).toEqual(QUESTIONS.map((q) => q.question));
      expect(evaluation.every((e) => e.answer_contexts.length > 0)).toBe(true);
      if (r === best) console.log(`the starter model's answers: ${JSON.stringify(evaluation.map((e) => e.answer))}`);
      for (const key of [r.context.rag_pattern.location.indexing_notebook, r.context.rag_pattern.location.inference_notebook]) {
        const nb = JSON.parse((await store.getBuffer(file(key))).toString()) as {
          nbformat: number;
          nbformat_minor: number;
          cells: unknown[];
        };
        expect(nb).toMatchObject({ nbformat: 4, nbformat_minor: 5 });
        expect(nb.cells.length).toBeGreaterThan(0);
      }
    }
    // A pattern's context_correctness is its retrieval's, as stage 1 scored it (training.log), however few of the
    // chunks fit the starter model's 256-token prompt.
    const log = (await store.getBuffer(`${root}training.log`)).toString();
    for (const r of results) {
      const s = r.context.rag_pattern.settings;
      const line = log.split('\n').find((l) => l.includes(`retrieval ${s.vector_store.index_name} ${JSON.stringify(s.retrieval)}:`));
      expect(Number(/context_correctness ([\d.]+)/.exec(line ?? '')?.[1]), line).toBeCloseTo(mean(r, 'context_correctness'), 4);
    }
    const status = JSON.parse((await store.getBuffer(`${root}training-status.json`)).toString()) as {
      state: string;
      patterns_completed: number;
    };
    expect(status).toMatchObject({ state: 'completed', patterns_completed: 4 });

    const prompt = await api.prompt(created.id, best.context.rag_pattern.name, QUESTIONS[1].question);
    expect(prompt.modelId).toBe(best.context.rag_pattern.settings.generation.model_id);
    expect(prompt.prompt).toContain(QUESTIONS[1].question);
    expect(prompt.chunks.length).toBeGreaterThan(0);
    expect(prompt.prompt).toContain(prompt.chunks[0].text);
    expect(JSON.parse(prompt.parametersJson)).toEqual(best.context.rag_pattern.settings.generation.parameters);
    expect(await grpcRefusal(api.prompt(created.id, 'Pattern99', 'Why?'))).toMatchObject({ code: GrpcStatus.NOT_FOUND });

    // Hard delete: the row, its indexes and its files are gone.
    await api.delete(created.id, true);
    expect(await grpcRefusal(api.get(created.id))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    expect(await keys(file(`results/${created.id}/`))).toEqual([]);
    expect(await liveGenerations(`autoai_rag_${created.id}_`)).toBe(0);
  }, 500_000);

  it('scores context_correctness on every chunk the retrieval returned, not only those that fit the prompt', async () => {
    // A question on two documents labelled with a third: retrieval ranks the third after them, and the starter model's
    // 256-token window (less 64 new tokens) holds only the first one or two of the four chunks retrieved.
    await put(
      'wide-questions.json',
      JSON.stringify([
        ...QUESTIONS,
        {
          question: 'How often do morning trains leave, and which port does the gateway listen on?',
          correct_answer: 'every twenty minutes',
          correct_answer_document_ids: ['tea.txt'],
        },
      ]),
    );
    const created = await api.create(
      experiment('wide-retrieval', {
        test_data_references: [ref('wide-questions.json')],
        parameters: {
          constraints: {
            chunking: [{ method: 'recursive', chunk_size: 200, chunk_overlap: 0 }],
            retrieval: [{ method: 'simple', number_of_chunks: 4 }],
          },
          optimization: { metrics: ['context_correctness'] },
        },
      }),
    );
    const done = await ended(created.id, 300_000);
    expect(done.status, done.status?.messageText).toMatchObject({ state: 'completed' });
    const [pattern] = JSON.parse(done.resultsJson) as RagResultEntry[];
    const evaluation = JSON.parse((await store.getBuffer(file(pattern.context.rag_pattern.location.evaluation_results))).toString()) as {
      answer_contexts: { document_id: string }[];
      scores: { context_correctness: number };
    }[];
    // The file shows the chunks the prompt held; the last question's labelled document is not among them, yet its
    // context_correctness is its rank among the four retrieved.
    expect(evaluation[4].answer_contexts.map((c) => c.document_id)).not.toContain('tea.txt');
    expect(evaluation[4].scores.context_correctness).toBeGreaterThan(0);
    const log = (await store.getBuffer(file(`wide-retrieval/${created.id}/rag/training.log`))).toString();
    const stage1 = Number(/context_correctness ([\d.]+)/.exec(log.split('\n').find((l) => l.includes(' retrieval ')) ?? '')?.[1]);
    const mean = pattern.metrics.test_data.find((m) => m.metric_name === 'context_correctness')!.mean;
    expect(mean).toBeCloseTo(stage1, 4);
  }, 400_000);

  it('indexes with two embedding models of different widths, each in its own vector table', async () => {
    const created = await api.create(
      experiment('two-models', {
        parameters: {
          constraints: {
            chunking: [{ method: 'recursive', chunk_size: 48, chunk_overlap: 8 }],
            embedding_models: ['platform/starter-llama', NARROW_MODEL],
            foundation_models: ['platform/starter-llama'],
            retrieval: [{ method: 'simple', number_of_chunks: 2 }],
          },
        },
      }),
    );
    const done = await ended(created.id, 300_000);
    expect(done.status, done.status?.messageText).toMatchObject({ state: 'completed' });
    const results = JSON.parse(done.resultsJson) as RagResultEntry[];
    expect(results.map((r) => r.context.rag_pattern.settings.embeddings.model_id).sort()).toEqual(['platform/starter-llama', NARROW_MODEL]);
    // One table per container and width: @platform/retrieval fixes a table's dimension at its first write.
    const vectors = await VectorIndex.connect(loadVectorIndexSettings({ PLATFORM_VECTOR_INDEX_URI: vectorDir }));
    try {
      expect(await vectors.countRows(`${projectId}_rag_d128`)).toBeGreaterThan(0);
      expect(await vectors.countRows(`${projectId}_rag_d64`)).toBeGreaterThan(0);
    } finally {
      vectors.close();
    }
    for (const r of results) {
      const prompt = await api.prompt(created.id, r.context.rag_pattern.name, QUESTIONS[2].question);
      expect(prompt.chunks.length).toBeGreaterThan(0);
    }
  }, 400_000);

  it('cancels a running experiment: state canceled, its pattern files and indexes removed, its status file saying so', async () => {
    // Enough questions that the experiment is still running when it is canceled.
    await put('many-questions.json', JSON.stringify(Array.from({ length: 100 }, (_, i) => QUESTIONS[i % QUESTIONS.length])));
    const created = await api.create(
      experiment('canceled', {
        test_data_references: [ref('many-questions.json')],
        parameters: {
          constraints: {
            chunking: [{ method: 'recursive', chunk_size: 24, chunk_overlap: 4 }],
            max_number_of_rag_patterns: 20,
            retrieval: Array.from({ length: 5 }, (_, i) => ({ method: 'simple', number_of_chunks: i + 1 })),
          },
        },
      }),
    );
    await waitFor(async () => (await api.get(created.id)).status!.state === 'running', 120_000, 100);
    await api.delete(created.id);
    const canceled = await api.get(created.id);
    expect(canceled.status).toMatchObject({ state: 'canceled' });
    const root = file(`canceled/${created.id}/rag/`);
    // The worker stops at the cancel notice and removes what it wrote; training-status.json says canceled.
    await waitFor(
      async () => {
        // Absent until the worker writes it; the S3 test server may serve a write in progress as a partial object.
        const status = await store
          .getBuffer(`${root}training-status.json`)
          .then((b) => JSON.parse(b.toString()) as { state: string })
          .catch(() => undefined);
        return status?.state === 'canceled';
      },
      60_000,
      200,
    );
    expect((await keys(root)).filter((k) => k.includes('/rag/assets/'))).toEqual([]);
    await waitFor(async () => (await liveGenerations(`autoai_rag_${created.id}_`)) === 0, 30_000, 200);
    expect((await api.get(created.id)).status).toMatchObject({ state: 'canceled' });
  }, 300_000);
  it('hard-deletes a running experiment: its row, indexes and every file of its directory gone, none written after', async () => {
    const created = await api.create(
      experiment('hard-deleted', {
        test_data_references: [ref('many-questions.json')],
        parameters: { constraints: { chunking: [{ method: 'recursive', chunk_size: 24, chunk_overlap: 4 }] } },
      }),
    );
    await waitFor(async () => (await api.get(created.id)).status!.state === 'running', 120_000, 100);
    await api.delete(created.id, true);
    expect(await grpcRefusal(api.get(created.id))).toMatchObject({ code: GrpcStatus.NOT_FOUND });
    // One experiment at a time per worker, in queue order: once the next one has completed, the deleted one's worker
    // has stopped and cleaned up.
    const next = await api.create(
      experiment('after-hard-delete', { parameters: { constraints: { retrieval: [{ method: 'simple', number_of_chunks: 1 }] } } }),
    );
    expect((await ended(next.id, 300_000)).status).toMatchObject({ state: 'completed' });
    expect(await keys(file(`hard-deleted/${created.id}/`))).toEqual([]);
    expect(await liveGenerations(`autoai_rag_${created.id}_`)).toBe(0);
  }, 400_000);
});
