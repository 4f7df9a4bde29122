import type { Server } from '@grpc/grpc-js';
import type { GrpcOptions } from '@nestjs/microservices';
import { addReflection } from './grpc-reflection';
import { contractOptions, withHealth, type ProtoName } from './grpc-transport';

/** A NestJS gRPC server of the given contracts plus health and reflection, finishing in-flight calls on shutdown. */
export function grpcServerOptions(url: string, protos: readonly ProtoName[]): GrpcOptions {
  const base = contractOptions(url, protos);
  return {
    ...base,
    options: {
      ...base.options,
      gracefulShutdown: true,
      onLoadPackageDefinition: (_definition: unknown, server: Server) => addReflection(server, withHealth(protos)),
    },
  };
}
