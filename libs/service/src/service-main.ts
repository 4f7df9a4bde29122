import type { Type } from '@nestjs/common';
import { PLATFORM_SERVICES, serviceAddress, startGrpcService, type PlatformServiceName, type ServiceAddress } from '@platform/common';

/**
 * A service's gRPC entry point: its module served on its address from the platform's registry (or the one given,
 * e.g. free ports in a test).
 */
export function grpcServiceMain(name: PlatformServiceName, module: Type<unknown>) {
  const protos = [...PLATFORM_SERVICES[name].protos];
  return (address: ServiceAddress = serviceAddress(name)) => startGrpcService({ name, module, protos, ...address });
}
