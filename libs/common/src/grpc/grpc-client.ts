import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import { ClientGrpcProxy, type ClientGrpc, type GrpcOptions } from '@nestjs/microservices';
import { envInt } from '../config/env';
import { PLATFORM_SERVICES, serviceGrpcUrl, type PlatformServiceName } from '../config/platform-addresses';
import { platformCallInterceptor } from './grpc-client-interceptor';
import { contractOptions } from './grpc-transport';

/**
 * `default`: CRUD calls (PLATFORM_GRPC_TIMEOUT_MS, 60 s). `long`: calls that run generations, which legitimately take
 * minutes (PLATFORM_INFERENCE_TIMEOUT_MS, 10 min).
 */
export type GrpcDeadline = 'default' | 'long';

export function grpcDeadlineMs(deadline: GrpcDeadline): number {
  return deadline === 'long' ? envInt('PLATFORM_INFERENCE_TIMEOUT_MS', 600_000) : envInt('PLATFORM_GRPC_TIMEOUT_MS', 60_000);
}

export interface GrpcClientSettings {
  deadline?: GrpcDeadline;
  /** Dial this address instead of the service's configured one (tests, benches). */
  url?: string;
}

/** The options of a client of one platform service: its contracts at its address, every call with a deadline and the trace. */
export function grpcClientOptions(service: PlatformServiceName, settings: GrpcClientSettings = {}): GrpcOptions {
  const base = contractOptions(settings.url ?? serviceGrpcUrl(service), [...PLATFORM_SERVICES[service].protos]);
  const interceptor = platformCallInterceptor(grpcDeadlineMs(settings.deadline ?? 'default'));
  return { ...base, options: { ...base.options, channelOptions: { interceptors: [interceptor] } } };
}

/**
 * A module's client of a platform service, closed when the application shuts down:
 * `providers: [grpcClient(SDG_CLIENT, 'sdg', { deadline: 'long' })]`, then `@Inject(SDG_CLIENT) client: ClientGrpc`.
 */
export function grpcClient(
  token: InjectionToken,
  service: PlatformServiceName,
  settings: GrpcClientSettings = {},
): FactoryProvider<ClientGrpc> {
  return {
    provide: token,
    useFactory: () => {
      const proxy = new ClientGrpcProxy(grpcClientOptions(service, settings).options);
      return Object.assign(proxy, { onApplicationShutdown: () => proxy.close() });
    },
  };
}

/** One typed service of a client made outside dependency injection (a job's own client, scripts, tests). */
export interface GrpcServiceClient<S> {
  service: S;
  close(): void;
}

/** `connectGrpcService<inferenceV1.InferenceServiceClient>('inference', inferenceV1.INFERENCE_SERVICE_NAME, { deadline: 'long' })` */
export function connectGrpcService<S extends object>(
  service: PlatformServiceName,
  serviceName: string,
  settings: GrpcClientSettings = {},
): GrpcServiceClient<S> {
  const proxy = new ClientGrpcProxy(grpcClientOptions(service, settings).options);
  return { service: proxy.getService<S>(serviceName), close: () => proxy.close() };
}
