import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { PROTO_FILES, PROTO_ROOT } from '@platform/contracts';
import { dirname, join } from 'node:path';
import { grpcLoaderOptions } from './grpc-loader-options';

export type ProtoName = keyof typeof PROTO_FILES;

/** The contracts with the standard health service added: every server serves it and every client may probe it. */
export const withHealth = (protos: readonly ProtoName[]): ProtoName[] => Array.from(new Set<ProtoName>([...protos, 'health']));

/** A contract's package is its directory (buf lint's PACKAGE_DIRECTORY_MATCH): taxonomy/v1/… declares `taxonomy.v1`. */
const packageOf = (proto: ProtoName) => dirname(PROTO_FILES[proto]).split('/').join('.');

/**
 * The largest gRPC message a platform service sends or accepts. grpc-js refuses received messages over 4 MiB by default,
 * below what the gateway lets in (10 MiB inference bodies) and what a batch of embeddings answers, and the refusal
 * reached clients as a retryable 429. Requests are bounded at the gateway; this only has to stay above those bounds.
 */
export const GRPC_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * What a NestJS gRPC server and client of the given contracts share: where the .proto files are, how they load, and
 * the message size limit.
 */
export function contractOptions(url: string, protos: readonly ProtoName[]): GrpcOptions {
  const all = withHealth(protos);
  return {
    transport: Transport.GRPC,
    options: {
      url,
      // Several contracts may share a package (taxonomy.v1 holds two services): each package is loaded once.
      package: Array.from(new Set(all.map(packageOf))),
      protoPath: all.map((p) => join(PROTO_ROOT, PROTO_FILES[p])),
      loader: grpcLoaderOptions,
      maxReceiveMessageLength: GRPC_MAX_MESSAGE_BYTES,
      maxSendMessageLength: GRPC_MAX_MESSAGE_BYTES,
    },
  };
}
