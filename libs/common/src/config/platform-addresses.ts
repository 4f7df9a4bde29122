import type { ProtoName } from '../grpc/grpc-transport';
import { envInt, envString } from './env';

interface PlatformServiceRow {
  /** The contracts it serves (health and reflection are always added); its clients load the same. */
  protos: readonly ProtoName[];
  grpcPort: number;
  opsPort: number;
}

/**
 * THE registry of the platform's gRPC services: their contracts and embedded-default gRPC and ops (health, metrics)
 * ports. Every address of a service (its own listen address, its clients', the launcher's, the manifests' check) and
 * what it serves derive from its row here: a new service joins the platform by adding one.
 */
export const PLATFORM_SERVICES = {
  taxonomy: { protos: ['taxonomy', 'secrets'], grpcPort: 50061, opsPort: 9461 },
  inference: { protos: ['inference'], grpcPort: 50062, opsPort: 9462 },
  sdg: { protos: ['sdg'], grpcPort: 50063, opsPort: 9463 },
  training: { protos: ['training'], grpcPort: 50064, opsPort: 9464 },
  evaluation: { protos: ['evaluation'], grpcPort: 50065, opsPort: 9465 },
  deployment: { protos: ['deployment'], grpcPort: 50066, opsPort: 9466 },
  prompts: { protos: ['prompts'], grpcPort: 50067, opsPort: 9467 },
  notebooks: { protos: ['notebooks'], grpcPort: 50068, opsPort: 9468 },
  agents: { protos: ['agents'], grpcPort: 50069, opsPort: 9469 },
  documents: { protos: ['documents'], grpcPort: 50070, opsPort: 9470 },
} as const satisfies Record<string, PlatformServiceRow>;

export type PlatformServiceName = keyof typeof PLATFORM_SERVICES;

/** `PLATFORM_<NAME>_GRPC_URL` / `PLATFORM_<NAME>_OPS_PORT`: how every process finds a service. */
export const serviceEnvPrefix = (name: PlatformServiceName) => `PLATFORM_${name.toUpperCase()}`;

export const serviceGrpcUrl = (name: PlatformServiceName) =>
  envString(`${serviceEnvPrefix(name)}_GRPC_URL`, `127.0.0.1:${PLATFORM_SERVICES[name].grpcPort}`);

export const serviceOpsPort = (name: PlatformServiceName) => envInt(`${serviceEnvPrefix(name)}_OPS_PORT`, PLATFORM_SERVICES[name].opsPort);

export interface ServiceAddress {
  grpcUrl: string;
  opsPort: number;
}

/** Where a service serves gRPC and its ops endpoints in this deployment. */
export const serviceAddress = (name: PlatformServiceName): ServiceAddress => ({
  grpcUrl: serviceGrpcUrl(name),
  opsPort: serviceOpsPort(name),
});
