import { resolve } from 'node:path';

export * as taxonomyV1 from './gen/taxonomy/v1/taxonomy';
export * as healthV1 from './gen/grpc/health/v1/health';
export * as inferenceV1 from './gen/inference/v1/inference';

/** The .proto sources, loaded at run time by @grpc/proto-loader (resolved from the workspace root, not dist/). */
export const PROTO_ROOT = resolve(process.env.PLATFORM_PROTO_ROOT ?? resolve(__dirname, '../../../proto'));

export const PROTO_FILES = {
  taxonomy: 'taxonomy/v1/taxonomy.proto',
  health: 'grpc/health/v1/health.proto',
  inference: 'inference/v1/inference.proto',
} as const;
