import { resolve } from 'node:path';

export * as taxonomyV1 from './gen/taxonomy/v1/taxonomy';
export * as secretsV1 from './gen/taxonomy/v1/secrets';
export * as healthV1 from './gen/grpc/health/v1/health';
export * as inferenceV1 from './gen/inference/v1/inference';
export * as evaluationV1 from './gen/evaluation/v1/evaluation';
export * as sdgV1 from './gen/sdg/v1/sdg';
export * as trainingV1 from './gen/training/v1/training';
export * as deploymentV1 from './gen/deployment/v1/deployment';
export * as notebooksV1 from './gen/notebooks/v1/notebooks';
export * as promptsV1 from './gen/prompts/v1/prompts';
export * as agentsV1 from './gen/agents/v1/agents';
export * as documentsV1 from './gen/documents/v1/documents';
export * from './job-status';
export { CONTRACTS_DESCRIPTOR_SET } from './gen/descriptor-set';

/** The .proto sources, loaded at run time by @grpc/proto-loader (resolved from the workspace root, not dist/). */
export const PROTO_ROOT = resolve(process.env.PLATFORM_PROTO_ROOT ?? resolve(__dirname, '../../../proto'));

export const PROTO_FILES = {
  taxonomy: 'taxonomy/v1/taxonomy.proto',
  secrets: 'taxonomy/v1/secrets.proto',
  health: 'grpc/health/v1/health.proto',
  inference: 'inference/v1/inference.proto',
  evaluation: 'evaluation/v1/evaluation.proto',
  sdg: 'sdg/v1/sdg.proto',
  training: 'training/v1/training.proto',
  deployment: 'deployment/v1/deployment.proto',
  notebooks: 'notebooks/v1/notebooks.proto',
  prompts: 'prompts/v1/prompts.proto',
  agents: 'agents/v1/agents.proto',
  documents: 'documents/v1/documents.proto',
} as const;
