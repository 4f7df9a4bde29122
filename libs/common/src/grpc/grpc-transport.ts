import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { PROTO_FILES, PROTO_ROOT } from '@platform/contracts';
import { join } from 'node:path';
import { grpcLoaderOptions } from './grpc-loader-options';

type ProtoName = keyof typeof PROTO_FILES;

const PACKAGES: Record<ProtoName, string> = {
  taxonomy: 'taxonomy.v1',
  health: 'grpc.health.v1',
};

/** Options for a NestJS gRPC server or client speaking the given contracts (the health service is always added). */
export function grpcOptions(url: string, protos: ProtoName[]): GrpcOptions {
  const all = Array.from(new Set<ProtoName>([...protos, 'health']));
  return {
    transport: Transport.GRPC,
    options: {
      url,
      package: all.map((p) => PACKAGES[p]),
      protoPath: all.map((p) => join(PROTO_ROOT, PROTO_FILES[p])),
      loader: grpcLoaderOptions,
      gracefulShutdown: true,
    },
  };
}
