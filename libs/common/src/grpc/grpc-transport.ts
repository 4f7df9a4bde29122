import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { PROTO_FILES, PROTO_ROOT } from '@platform/contracts';
import { join } from 'node:path';
import { envInt } from '../config/env';
import { grpcLoaderOptions } from './grpc-loader-options';

export type ProtoName = keyof typeof PROTO_FILES;

const PACKAGES: Record<ProtoName, string> = {
  taxonomy: 'taxonomy.v1',
  secrets: 'taxonomy.v1',
  health: 'grpc.health.v1',
  inference: 'inference.v1',
  sdg: 'sdg.v1',
  training: 'training.v1',
  evaluation: 'evaluation.v1',
};

const SERVICES: Record<ProtoName, string[]> = {
  taxonomy: ['taxonomy.v1.TaxonomyService'],
  secrets: ['taxonomy.v1.SecretsService'],
  health: ['grpc.health.v1.Health'],
  inference: ['inference.v1.InferenceService'],
  sdg: ['sdg.v1.SdgService'],
  training: ['training.v1.TrainingService'],
  evaluation: ['evaluation.v1.EvaluationService'],
};

/**
 * Every call gets a deadline through the channel's service config, so a stuck service turns into
 * DEADLINE_EXCEEDED (HTTP 408 at the gateway) instead of a request that hangs forever.
 */
function serviceConfig(protos: ProtoName[], timeoutMs: number): string {
  const name = protos.flatMap((p) => SERVICES[p]).map((service) => ({ service }));
  return JSON.stringify({ methodConfig: [{ name, timeout: `${(timeoutMs / 1000).toFixed(3)}s` }] });
}

/** Options for a NestJS gRPC server or client speaking the given contracts (the health service is always added). */
export function grpcOptions(url: string, protos: ProtoName[]): GrpcOptions {
  const all = Array.from(new Set<ProtoName>([...protos, 'health']));
  return {
    transport: Transport.GRPC,
    options: {
      url,
      // Several contracts may share a package (taxonomy.v1 holds two services): each package is loaded once.
      package: Array.from(new Set(all.map((p) => PACKAGES[p]))),
      protoPath: all.map((p) => join(PROTO_ROOT, PROTO_FILES[p])),
      loader: grpcLoaderOptions,
      gracefulShutdown: true,
      channelOptions: { 'grpc.service_config': serviceConfig(all, envInt('PLATFORM_GRPC_TIMEOUT_MS', 60_000)) },
    },
  };
}
