import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { CONTRACTS_DESCRIPTOR_SET, PROTO_FILES } from '@platform/contracts';
import { Field, Type } from 'protobufjs';
import { FileDescriptorProto, type IFileDescriptorProto } from 'protobufjs/ext/descriptor';
import type { ProtoName } from './grpc-transport';

interface ContractFile {
  descriptor: IFileDescriptorProto;
  bytes: Uint8Array;
}

/** A FileDescriptorSet whose files stay the compiler's bytes: re-encoding them could drop fields protobufjs lacks. */
const RawFileDescriptorSet = new Type('RawFileDescriptorSet').add(new Field('file', 1, 'bytes', 'repeated'));

let contractFiles: Map<string, ContractFile> | undefined;

/** Every contract file by its name (`taxonomy/v1/taxonomy.proto`), decoded once per process. */
function files(): Map<string, ContractFile> {
  if (!contractFiles) {
    const set = RawFileDescriptorSet.decode(CONTRACTS_DESCRIPTOR_SET) as unknown as { file: Uint8Array[] };
    contractFiles = new Map(
      set.file.map((bytes) => {
        const descriptor = FileDescriptorProto.decode(bytes) as IFileDescriptorProto;
        return [descriptor.name ?? '', { descriptor, bytes }];
      }),
    );
  }
  return contractFiles;
}

/** The given contract files and everything they import. */
function withImports(names: string[]): ContractFile[] {
  const all = files();
  const out = new Map<string, ContractFile>();
  const visit = (name: string) => {
    const file = all.get(name);
    if (!file) throw new Error(`no descriptor for ${name}: regenerate the contracts (npx buf generate)`);
    if (out.has(name)) return;
    out.set(name, file);
    file.descriptor.dependency?.forEach(visit);
  };
  names.forEach(visit);
  return [...out.values()];
}

/**
 * grpc.reflection.v1 (and v1alpha) on a server, describing exactly the contracts it serves, so `grpcurl` and other
 * tools list and call its services without a copy of proto/. The descriptors are the compiler's (generated with the
 * contracts), with the .proto field names, imports and comments.
 */
export function addReflection(server: Pick<Server, 'addService'>, protos: readonly ProtoName[]): void {
  const served = withImports(protos.map((p) => PROTO_FILES[p]));
  const services = protos.flatMap((p) => {
    const { descriptor } = files().get(PROTO_FILES[p]) as ContractFile;
    return (descriptor.service ?? []).map((s) => `${descriptor.package}.${s.name}`);
  });
  // The reflection service reads only `fileDescriptorProtos` of each entry of a proto-loader package definition.
  const definition = { contracts: { fileDescriptorProtos: served.map((f) => f.bytes) } } as unknown as PackageDefinition;
  new ReflectionService(definition, { services }).addToServer(server);
}
