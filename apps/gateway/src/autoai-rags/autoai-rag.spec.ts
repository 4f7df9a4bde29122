import 'reflect-metadata';
import { ValidationPipe, type Type } from '@nestjs/common';
import type { documentsV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../http/request-validation.error';
import { CreateAutoAiRagRequest, ragRequestJson } from './autoai-rag.dto';
import { autoAiRagView } from './autoai-rag-view';

/** The gateway's global pipe (create-gateway.ts). */
const pipe = new ValidationPipe({
  whitelist: true,
  transform: true,
  exceptionFactory: (errors) => RequestValidationError.fromClassValidator(errors),
});
const validate = (dto: Type<unknown>, body: unknown) => pipe.transform(body, { type: 'body', metatype: dto });
async function refusedFields(body: unknown): Promise<string[]> {
  const err: unknown = await validate(CreateAutoAiRagRequest, body).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, JSON.stringify(body)).toBeInstanceOf(RequestValidationError);
  return [...new Set((err as RequestValidationError).issues.map((i) => i.field))];
}

const PROJECT = '12ac4cf1-252f-424b-b52d-5cdd9814987f';
const ID = '6a9362f6-7ea2-4419-8c7d-a7e07432dec5';
const CONNECTION = { id: '6f5688fd-f3bf-42c2-a18b-49c0d8a1920d' };
const RUN = `results_autoai/${ID}`;
/** The seed's GET example, split into what was asked and what the run filled in. */
const PARAMETERS = {
  constraints: {
    embedding_models: ['ibm/slate-125m-english-rtrvr'],
    foundation_models: ['meta-llama/llama-3-70b-instruct', 'mistralai/mixtral-8x7b-instruct-v01', 'ibm/granite-13b-chat-v2'],
    max_number_of_rag_patterns: 8,
  },
  optimization: { metrics: ['answer_correctness'] },
  output_logs: true,
};
const SEED_REQUEST = {
  project_id: PROJECT,
  name: 'AutoAI RAG',
  description: 'My autoai rag experiment for 2023 financial documents',
  hardware_spec: { id: 'c076e82c-b2a7-4d20-9c0f-1f0c2fdf5a24', name: 'L' },
  parameters: PARAMETERS,
  input_data_references: [{ type: 'connection_asset', connection: CONNECTION, location: { path: 'files/document.pdf' } }],
  test_data_references: [{ type: 'connection_asset', connection: CONNECTION, location: { path: 'files/qa_document.json' } }],
  vector_store_references: [{ type: 'connection_asset', connection: CONNECTION }],
  results_reference: { type: 'container', location: { path: 'results_autoai' } },
};
const RESULTS_REFERENCE = {
  type: 'container',
  location: {
    path: 'results_autoai',
    training: RUN,
    training_status: `${RUN}/rag/training-status.json`,
    assets_path: `${RUN}/rag/assets`,
    training_log: `${RUN}/rag/training.log`,
  },
};
const PATTERN_1 = {
  metrics: { test_data: [{ metric_name: 'answer_correctness', mean: 0.51, ci_high: 0.68, ci_low: 0.43 }] },
  context: {
    rag_pattern: {
      composition_steps: ['vector_store', 'chunking', 'embeddings', 'retrieval', 'generation'],
      location: {
        evaluation_results: `${RUN}/rag/assets/Pattern1/evaluation_results.json`,
        indexing_notebook: `${RUN}/rag/assets/Pattern1/indexing_notebook.ipynb`,
        inference_notebook: `${RUN}/rag/assets/Pattern1/inference_notebook.ipynb`,
      },
      name: 'Pattern 1',
      settings: {
        chunking: { method: 'recursive', chunk_size: 256, chunk_overlap: 64 },
        retrieval: { method: 'simple', number_of_chunks: 5 },
        generation: { model_id: 'mistralai/mixtral-8x7b-instruct-v01', parameters: { max_new_tokens: 256 } },
      },
    },
    iteration: 1,
    max_combinations: 160,
  },
};
const DOCS = [{ type: 'container', location: { path: 'corpus/' } }];
const TESTS = [{ type: 'container', location: { path: 'qa.json' } }];
const RESULTS = { type: 'container', location: { path: 'rag' } };
const minimal = (extra: Record<string, unknown>) => ({
  project_id: PROJECT,
  name: 'rag',
  input_data_references: DOCS,
  test_data_references: TESTS,
  results_reference: RESULTS,
  ...extra,
});

describe('AutoAI RAG requests', () => {
  it('accept the seed example and keep its entity fields as given for the documents service', async () => {
    const body = (await validate(CreateAutoAiRagRequest, SEED_REQUEST)) as CreateAutoAiRagRequest;
    const { project_id: _p, name: _n, description: _d, ...entity } = SEED_REQUEST;
    expect(JSON.parse(ragRequestJson(body))).toEqual(entity);
  });

  it('accept every constraint, and a request naming only the references', async () => {
    const parameters = {
      constraints: {
        chunking: [
          { method: 'recursive', chunk_size: 256, chunk_overlap: 64 },
          { method: 'recursive', chunk_size: 512, chunk_overlap: 128 },
        ],
        embedding_models: ['platform/starter-llama'],
        retrieval: [
          { method: 'simple', number_of_chunks: 5 },
          { method: 'window', number_of_chunks: 3, window_size: 2 },
        ],
        foundation_models: ['platform/starter-llama'],
        max_number_of_rag_patterns: 4,
      },
      optimization: { metrics: ['context_correctness'] },
    };
    const body = (await validate(CreateAutoAiRagRequest, minimal({ parameters, tags: ['t1'] }))) as CreateAutoAiRagRequest;
    expect(JSON.parse(ragRequestJson(body))).toEqual({
      input_data_references: DOCS,
      test_data_references: TESTS,
      results_reference: RESULTS,
      parameters,
    });
    const bare = (await validate(CreateAutoAiRagRequest, minimal({}))) as CreateAutoAiRagRequest;
    expect(JSON.parse(ragRequestJson(bare))).toEqual({
      input_data_references: DOCS,
      test_data_references: TESTS,
      results_reference: RESULTS,
    });
  });

  it.each([
    [{ name: undefined }, ['name']],
    [{ input_data_references: [] }, ['input_data_references']],
    [{ input_data_references: Array.from({ length: 21 }, () => DOCS[0]) }, ['input_data_references']],
    [{ input_data_references: [{ type: 'container' }] }, ['input_data_references.0.location']],
    [{ test_data_references: [...TESTS, ...TESTS] }, ['test_data_references']],
    [{ test_data_references: [] }, ['test_data_references']],
    [{ vector_store_references: [{ type: 'milvus' }] }, ['vector_store_references.0.type']],
    [{ results_reference: undefined }, ['results_reference']],
    [{ parameters: { optimization: { metrics: ['bleu'] } } }, ['parameters.optimization.metrics']],
    [{ parameters: { optimization: { metrics: ['faithfulness', 'context_correctness'] } } }, ['parameters.optimization.metrics']],
    [{ parameters: { constraints: { max_number_of_rag_patterns: 3 } } }, ['parameters.constraints.max_number_of_rag_patterns']],
    [{ parameters: { constraints: { max_number_of_rag_patterns: 21 } } }, ['parameters.constraints.max_number_of_rag_patterns']],
    [
      { parameters: { constraints: { chunking: [{ method: 'semantic', chunk_size: 256, chunk_overlap: 0 }] } } },
      ['parameters.constraints.chunking.0.method'],
    ],
    [
      { parameters: { constraints: { chunking: [{ method: 'recursive', chunk_size: 0, chunk_overlap: 0 }] } } },
      ['parameters.constraints.chunking.0.chunk_size'],
    ],
    [
      { parameters: { constraints: { retrieval: [{ method: 'hybrid', number_of_chunks: 5 }] } } },
      ['parameters.constraints.retrieval.0.method'],
    ],
    [
      { parameters: { constraints: { retrieval: [{ method: 'window', number_of_chunks: 5, window_size: 0 }] } } },
      ['parameters.constraints.retrieval.0.window_size'],
    ],
    [{ parameters: { constraints: { embedding_models: [''] } } }, ['parameters.constraints.embedding_models']],
    [{ parameters: { constraints: { foundation_models: ['m', 'm'] } } }, ['parameters.constraints.foundation_models']],
    [{ parameters: { output_logs: 'yes' } }, ['parameters.output_logs']],
    [{ tags: Array.from({ length: 65 }, (_, i) => `t${i}`) }, ['tags']],
  ])('refuse %j naming %j', async (extra, fields) => {
    expect(await refusedFields(minimal(extra))).toEqual(fields);
  });
});

function experiment(over: Partial<documentsV1.RagExperiment> = {}, status: Partial<documentsV1.RagStatus> = {}): documentsV1.RagExperiment {
  const { project_id: _p, name: _n, description: _d, ...entity } = SEED_REQUEST;
  return {
    id: ID,
    projectId: PROJECT,
    spaceId: '',
    name: 'AutoAI RAG',
    description: 'My autoai rag experiment for 2023 financial documents',
    tags: [],
    createdBy: 'guy',
    createdAt: new Date('2023-05-02T16:27:51Z'),
    requestJson: JSON.stringify({ ...entity, results_reference: RESULTS_REFERENCE }),
    resultsJson: JSON.stringify([PATTERN_1]),
    status: {
      state: 'running',
      step: 'vector_store',
      messageLevel: 'info',
      messageText: 'Pattern 1 of 8 is completed.',
      runningAt: new Date('2023-08-04T13:22:48Z'),
      failureCode: '',
      ...status,
    },
    ...over,
  };
}

describe('autoAiRagView', () => {
  it('answers the seed example of a running experiment with its first pattern', () => {
    const v = autoAiRagView(experiment());
    expect(v.metadata).toEqual({
      id: ID,
      created_at: '2023-05-02T16:27:51.000Z',
      modified_at: '2023-08-04T13:22:48.000Z',
      project_id: PROJECT,
      name: 'AutoAI RAG',
      description: 'My autoai rag experiment for 2023 financial documents',
      tags: [],
      owner: 'guy',
    });
    expect(v.entity).toEqual({
      hardware_spec: SEED_REQUEST.hardware_spec,
      parameters: PARAMETERS,
      input_data_references: SEED_REQUEST.input_data_references,
      test_data_references: SEED_REQUEST.test_data_references,
      vector_store_references: SEED_REQUEST.vector_store_references,
      results_reference: RESULTS_REFERENCE,
      results: [PATTERN_1],
      status: {
        state: 'running',
        step: 'vector_store',
        message: { level: 'info', text: 'Pattern 1 of 8 is completed.' },
        running_at: '2023-08-04T13:22:48.000Z',
      },
    });
  });

  it('answers a pending experiment with no results yet, in a space', () => {
    const v = autoAiRagView(
      experiment(
        { projectId: '', spaceId: 'space-1', resultsJson: '[]' },
        { state: 'pending', step: '', messageLevel: '', messageText: '', runningAt: undefined },
      ),
    );
    expect(v.metadata.space_id).toBe('space-1');
    expect(v.metadata.project_id).toBeUndefined();
    expect(v.entity.results).toEqual([]);
    expect(v.entity.status).toEqual({ state: 'pending' });
  });

  it('shows a failure with its code and message in the envelope shape', () => {
    const v = autoAiRagView(
      experiment(
        { resultsJson: '' },
        {
          state: 'failed',
          messageLevel: 'error',
          messageText: 'corpus/b.pdf is encrypted.',
          failureCode: 'unreadable_document',
          completedAt: new Date('2023-08-04T13:30:00Z'),
        },
      ),
    );
    expect(v.entity.results).toEqual([]);
    expect(v.entity.status).toMatchObject({
      state: 'failed',
      message: { level: 'error', text: 'corpus/b.pdf is encrypted.' },
      completed_at: '2023-08-04T13:30:00.000Z',
      failure: { trace: ID, errors: [{ code: 'unreadable_document', message: 'corpus/b.pdf is encrypted.' }], status_code: 500 },
    });
    expect(v.metadata.modified_at).toBe('2023-08-04T13:30:00.000Z');
  });
});
