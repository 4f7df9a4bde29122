import type { Type } from '@nestjs/common';
import {
  PLATFORM_SERVICES,
  serviceAddress,
  startGrpcService,
  type GrpcServiceOptions,
  type PlatformServiceName,
  type ServiceAddress,
} from '@platform/common';

/**
 * A service's gRPC entry point: its module served on its address from the platform's registry (or the one given,
 * e.g. free ports in a test). `plainMethods` names the hot methods served without Nest's pipeline (plain-grpc-methods.ts).
 */
export function grpcServiceMain(name: PlatformServiceName, module: Type<unknown>, extra: Pick<GrpcServiceOptions, 'plainMethods'> = {}) {
  const protos = [...PLATFORM_SERVICES[name].protos];
  return (address: ServiceAddress = serviceAddress(name)) => startGrpcService({ name, module, protos, ...extra, ...address });
}
