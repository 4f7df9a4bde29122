import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import type { GrpcOptions } from '@nestjs/microservices';
import { addReflection } from './grpc-reflection';
import { contractOptions, withHealth, type ProtoName } from './grpc-transport';

/**
 * A NestJS gRPC server of the given contracts plus health and reflection. Its close stops it at once: the process's
 * close drains it first, for a bounded time (grpc-drain.ts).
 * `onLoad` sees the loaded contracts and the grpc-js server (the bootstrap swaps plain handlers in with them).
 */
export function grpcServerOptions(
  url: string,
  protos: readonly ProtoName[],
  onLoad?: (definition: PackageDefinition, server: Server) => void,
): GrpcOptions {
  const base = contractOptions(url, protos);
  return {
    ...base,
    options: {
      ...base.options,
      onLoadPackageDefinition: (definition: PackageDefinition, server: Server) => {
        addReflection(server, withHealth(protos));
        onLoad?.(definition, server);
      },
    },
  };
}
