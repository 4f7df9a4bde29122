import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { connectGrpcService, unary, type GrpcServiceClient, type RunningGrpcService } from '@platform/common';
import { deploymentV1 } from '@platform/contracts';
import { freePort } from '@platform/infra';
import { createTestDatabase, startServiceProcess, type ServiceProcess } from '@platform/test-fixtures';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRequest, failure } from '../deployments/testing/deployment-fixture';
import { startDeploymentService } from '../main';

/**
 * AutoAI RAG pattern assets against the real documents service (API only: no experiment runs here). The experiments
 * are rows as the documents service's experiment job leaves them (its own table, as model-assets.int.spec seeds the
 * training service's jobs); running one for real needs the inference path and is the documents e2e's.
 */
const tag = randomBytes(4).toString('hex');
const projectId = randomUUID();
const otherProject = randomUUID();
const vectors = mkdtempSync(join(tmpdir(), 'rag-assets-vectors-'));

let databaseUrl: string;
let documents: ServiceProcess | undefined;
let service: RunningGrpcService;
let assets: GrpcServiceClient<deploymentV1.ModelAssetServiceClient>;
let deployments: GrpcServiceClient<deploymentV1.DeploymentServiceClient>;

/** A `results[]` entry in the seed's shape, as the experiment job writes it. */
const result = (name: string, modelId: string) => ({
  metrics: { test_data: [{ metric_name: 'answer_correctness', mean: 0.5, ci_low: 0.4, ci_high: 0.6 }] },
  context: {
    rag_pattern: {
      name,
      composition_steps: ['chunking', 'embeddings', 'vector_store', 'retrieval', 'generation'],
      settings: {
        chunking: { method: 'recursive', chunk_size: 256, chunk_overlap: 64 },
        retrieval: { method: 'simple', number_of_chunks: 5 },
        generation: { model_id: modelId, parameters: { max_new_tokens: 64 }, prompt_template_text: '{reference_documents}\n{question}' },
      },
    },
    iteration: 1,
    max_combinations: 8,
  },
});

/** An experiment row of the documents service in `state`, with `results`. */
async function seedExperiment(container: string, state: string, results: unknown[]): Promise<string> {
  const id = randomUUID();
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO documents.rag_experiments (id, project_id, name, request, parameters, documents, questions, results_key, status, state, results)
       VALUES ($1, $2, 'rag', '{}', '{}', '[]', '[]', $3, $4, $5, $6)`,
      [id, container, `results/${id}/`, state === 'pending' ? 'queued' : state, state, JSON.stringify(results)],
    );
  } finally {
    await c.end();
  }
  return id;
}

const create = (r: Partial<deploymentV1.CreateModelAssetRequest>) =>
  unary(
    assets.service.createModelAsset({
      projectId,
      spaceId: '',
      name: 'rag asset',
      description: '',
      tags: [],
      type: 'autoai_rag_pattern',
      softwareSpecName: '',
      foundationModelId: '',
      trainingId: '',
      contentLocationJson: '',
      customJson: '',
      createdBy: 'tester',
      oncePerTraining: false,
      ...r,
    }),
  );

beforeAll(async () => {
  const s3 = inject('s3');
  databaseUrl = await createTestDatabase('deployment_rag_assets');
  const env = {
    DATABASE_URL: databaseUrl,
    NATS_URL: inject('natsUrl'),
    PLATFORM_S3_ENDPOINT: s3.endpoint,
    PLATFORM_S3_BUCKET: s3.bucket,
    PLATFORM_S3_ACCESS_KEY: s3.accessKey,
    PLATFORM_S3_SECRET_KEY: s3.secretKey,
    PLATFORM_INFERENCE_GRPC_URL: `127.0.0.1:${await freePort()}`,
    PLATFORM_TRAINING_GRPC_URL: `127.0.0.1:${await freePort()}`,
    PLATFORM_PROMPTS_GRPC_URL: `127.0.0.1:${await freePort()}`,
    PLATFORM_DOCUMENTS_GRPC_URL: `127.0.0.1:${await freePort()}`,
  };
  const documentsOps = await freePort();
  documents = await startServiceProcess(
    'documents',
    {
      ...env,
      PLATFORM_DOCUMENTS_OPS_PORT: String(documentsOps),
      PLATFORM_DOCUMENTS_EXTRACTION_WORKERS: '0',
      PLATFORM_DOCUMENTS_RAG_WORKERS: '0',
      PLATFORM_VECTOR_INDEX_URI: vectors,
      PLATFORM_EVENTS_PREFIX: `r${tag}.events`,
      PLATFORM_EVENTS_STREAM: `RAG_ASSETS_DOC_EVENTS_${tag.toUpperCase()}`,
      PLATFORM_DOCUMENTS_JOBS_PREFIX: `r${tag}.jobs`,
      PLATFORM_DOCUMENTS_JOBS_STREAM: `RAG_ASSETS_DOC_JOBS_${tag.toUpperCase()}`,
      PLATFORM_DOCUMENTS_DURABLE_PREFIX: `rag_assets_${tag}`,
    },
    documentsOps,
    { timeoutMs: 150_000 },
  );
  // The deployment service itself, API only.
  Object.assign(process.env, env, {
    LOG_LEVEL: 'warn',
    PLATFORM_DEPLOYMENT_KEEPERS: '0',
    PLATFORM_EVENTS_PREFIX: `d${tag}.events`,
    PLATFORM_EVENTS_STREAM: `RAG_ASSETS_DEP_EVENTS_${tag.toUpperCase()}`,
    PLATFORM_DEPLOYMENT_JOBS_STREAM: `RAG_ASSETS_DEP_JOBS_${tag.toUpperCase()}`,
    PLATFORM_DEPLOYMENT_JOBS_SUBJECT_PREFIX: `d${tag}.jobs`,
    PLATFORM_DEPLOYMENT_JOBS_DURABLE: `rag_assets_${tag}`,
  });
  const grpcUrl = `127.0.0.1:${await freePort()}`;
  service = await startDeploymentService({ grpcUrl, opsPort: await freePort() });
  assets = connectGrpcService('deployment', deploymentV1.MODEL_ASSET_SERVICE_NAME, { url: grpcUrl });
  deployments = connectGrpcService('deployment', deploymentV1.DEPLOYMENT_SERVICE_NAME, { url: grpcUrl });
}, 240_000);

afterAll(async () => {
  assets?.close();
  deployments?.close();
  await service?.close();
  await documents?.stop();
  rmSync(vectors, { recursive: true, force: true });
});

describe('an autoai_rag_pattern model asset, checked by the documents service', () => {
  it("names a completed experiment's pattern (as BuildRagPrompt spells it or as the seed does) and deploys on its foundation model", async () => {
    const experimentId = await seedExperiment(projectId, 'completed', [
      result('Pattern 1', 'ibm/granite-8b'),
      result('Pattern 2', 'starter'),
    ]);
    const { model } = await create({ trainingId: experimentId, customJson: JSON.stringify({ pattern_name: 'Pattern2' }) });
    expect(model).toMatchObject({
      type: 'autoai_rag_pattern',
      trainingId: experimentId,
      ragPatternName: 'Pattern 2',
      baseModelId: 'starter',
      contentPrefix: '',
      customJson: JSON.stringify({ pattern_name: 'Pattern2' }),
    });
    const { deployment } = await unary(deployments.service.createDeployment(createRequest({ projectId, assetId: model!.id })));
    expect(deployment).toMatchObject({
      deployedAssetType: 'autoai_rag_pattern',
      modelId: 'starter',
      replicas: 0,
      status: { state: 'ready' },
      ragExperimentId: experimentId,
      ragPatternName: 'Pattern 2',
    });
  });

  it('answers 404 training_not_found for an experiment of another project or none', async () => {
    const elsewhere = await seedExperiment(otherProject, 'completed', [result('Pattern1', 'starter')]);
    for (const trainingId of [elsewhere, randomUUID(), 'not-an-id'])
      expect(await failure(create({ trainingId, customJson: '{"pattern_name":"Pattern1"}' }))).toMatchObject({
        code: GrpcStatus.NOT_FOUND,
        message: `AutoAI RAG experiment ${trainingId} (training_id) was not found in project ${projectId}.`,
      });
  });

  it('refuses an experiment that is not completed naming training_id, and a pattern it lacks naming custom.pattern_name', async () => {
    for (const state of ['pending', 'running', 'failed', 'canceled']) {
      const id = await seedExperiment(projectId, state, state === 'running' ? [result('Pattern1', 'starter')] : []);
      expect(await failure(create({ trainingId: id, customJson: '{"pattern_name":"Pattern1"}' }))).toMatchObject({
        code: GrpcStatus.INVALID_ARGUMENT,
        field: 'training_id',
      });
    }
    const done = await seedExperiment(projectId, 'completed', [result('Pattern1', 'starter')]);
    expect(await failure(create({ trainingId: done, customJson: '{"pattern_name":"Pattern7"}' }))).toEqual({
      code: GrpcStatus.INVALID_ARGUMENT,
      field: 'custom.pattern_name',
      message: `custom.pattern_name "Pattern7" is not a pattern of AutoAI RAG experiment ${done} (its patterns: Pattern1).`,
    });
  });
});
