import { envInt, envString } from './env';

/**
 * THE registry of the platform's gRPC services and their embedded-default gRPC and ops (health, metrics) ports. Every
 * address of a service (its own listen address, its clients', the launcher's, the manifests' check) derives from its
 * row here: a new service joins the platform by adding one.
 */
export const PLATFORM_SERVICES = {
  taxonomy: { grpcPort: 50061, opsPort: 9461 },
  inference: { grpcPort: 50062, opsPort: 9462 },
  sdg: { grpcPort: 50063, opsPort: 9463 },
  training: { grpcPort: 50064, opsPort: 9464 },
  evaluation: { grpcPort: 50065, opsPort: 9465 },
} as const;

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
