import { credentials, loadPackageDefinition, type ClientDuplexStream, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer, loadSync } from '@grpc/proto-loader';
import { Module } from '@nestjs/common';
import { createServer, type AddressInfo } from 'node:net';
import { Field, Type } from 'protobufjs';
import { FileDescriptorProto, type IDescriptorProto, type IFileDescriptorProto } from 'protobufjs/ext/descriptor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadinessRegistry } from '../ops/readiness';
import { startGrpcService, type RunningGrpcService } from './grpc-service';
import { GrpcHealthController } from './health.controller';

interface ReflectionResponse {
  listServicesResponse?: { service: { name: string }[] };
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}

@Module({ controllers: [GrpcHealthController], providers: [ReadinessRegistry] })
class HealthOnlyModule {}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

let service: RunningGrpcService;
let grpcUrl: string;
let stream: ClientDuplexStream<object, ReflectionResponse>;
let close: () => void;

/** One request on the reflection stream, answered in order (the protocol answers each request once). */
function ask(request: object): Promise<ReflectionResponse> {
  return new Promise((resolve, reject) => {
    stream.once('data', resolve);
    stream.once('error', reject);
    stream.write(request);
  });
}

const decode = (res: ReflectionResponse) =>
  (res.fileDescriptorResponse?.fileDescriptorProto ?? []).map((bytes) => FileDescriptorProto.decode(bytes) as IFileDescriptorProto);

/** A file and everything it imports, fetched the way grpcurl does: by symbol, then each import by its file name. */
async function download(symbol: string): Promise<Map<string, { descriptor: IFileDescriptorProto; bytes: Buffer }>> {
  const files = new Map<string, { descriptor: IFileDescriptorProto; bytes: Buffer }>();
  const add = (res: ReflectionResponse) =>
    (res.fileDescriptorResponse?.fileDescriptorProto ?? []).forEach((bytes) => {
      const descriptor = FileDescriptorProto.decode(bytes) as IFileDescriptorProto;
      files.set(descriptor.name ?? '', { descriptor, bytes });
    });
  add(await ask({ fileContainingSymbol: symbol }));
  for (let missing = missingImports(files); missing.length; missing = missingImports(files)) {
    for (const name of missing) add(await ask({ fileByFilename: name }));
  }
  return files;
}

const missingImports = (files: Map<string, { descriptor: IFileDescriptorProto }>) =>
  [...files.values()].flatMap((f) => f.descriptor.dependency ?? []).filter((name) => !files.has(name));

/** Fully-qualified names (`.pkg.Message`) a file declares, nested messages and enums included. */
function declared(file: IFileDescriptorProto): Set<string> {
  const names = new Set<string>();
  const visit = (scope: string, messages: IDescriptorProto[] = [], enums: { name?: string | null }[] = []) => {
    enums.forEach((e) => names.add(`${scope}.${e.name}`));
    messages.forEach((m) => {
      names.add(`${scope}.${m.name}`);
      visit(`${scope}.${m.name}`, m.nestedType ?? [], m.enumType ?? []);
    });
  };
  visit(`.${file.package}`, file.messageType ?? [], file.enumType ?? []);
  return names;
}

const RawFileDescriptorSet = new Type('RawFileDescriptorSet').add(new Field('file', 1, 'bytes', 'repeated'));

beforeAll(async () => {
  grpcUrl = `127.0.0.1:${await freePort()}`;
  // The taxonomy contracts without their implementation: reflection describes what a server declares it serves.
  service = await startGrpcService({
    name: 'reflection-test',
    module: HealthOnlyModule,
    protos: ['taxonomy', 'secrets', 'training'],
    grpcUrl,
    opsPort: 0,
  });
  // A stock client of the standard reflection protocol, as grpcurl speaks it.
  const definition = loadSync(require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto'), { keepCase: false });
  const pkg = loadPackageDefinition(definition) as unknown as {
    grpc: { reflection: { v1: { ServerReflection: ServiceClientConstructor } } };
  };
  const client = new pkg.grpc.reflection.v1.ServerReflection(grpcUrl, credentials.createInsecure());
  stream = (client as unknown as { serverReflectionInfo(): ClientDuplexStream<object, ReflectionResponse> }).serverReflectionInfo();
  close = () => {
    stream.end();
    client.close();
  };
});

afterAll(async () => {
  close?.();
  await service?.close();
});

describe('server reflection on a platform gRPC service', () => {
  it('lists every service the server was started with, health included', async () => {
    const res = await ask({ listServices: '*' });
    expect(res.listServicesResponse?.service.map((s) => s.name).sort()).toEqual([
      'grpc.health.v1.Health',
      'taxonomy.v1.SecretsService',
      'taxonomy.v1.TaxonomyService',
      'training.v1.TrainingService',
    ]);
  });

  it("resolves a method to its file's descriptor, with the contract's own field names and its imports", async () => {
    const files = decode(await ask({ fileContainingSymbol: 'taxonomy.v1.TaxonomyService.GetTaxonomy' }));
    const file = files.find((f) => f.service?.some((s) => s.name === 'TaxonomyService'));
    const method = file?.service?.find((s) => s.name === 'TaxonomyService')?.method?.find((m) => m.name === 'GetTaxonomy');
    expect(method).toMatchObject({ inputType: '.taxonomy.v1.GetTaxonomyRequest', outputType: '.taxonomy.v1.GetTaxonomyResponse' });
    const request = file?.messageType?.find((m) => m.name === 'GetTaxonomyRequest');
    expect(request?.field?.map((f) => f.name)).toContain('project_id');
    // Timestamp lives in an imported file, which a client must be able to fetch by the name the descriptor uses.
    expect(file?.dependency?.length).toBeGreaterThan(0);
    for (const dependency of file?.dependency ?? []) {
      const imported = decode(await ask({ fileByFilename: dependency }));
      expect(imported.map((f) => f.name)).toContain(dependency);
    }
  });

  it("serves descriptors as strict as the compiler's: every type found in the file or its imports, maps and optionals intact", async () => {
    const files = await download('training.v1.TrainingService');
    const training = files.get('training/v1/training.proto')?.descriptor;
    expect(training).toBeDefined();
    for (const { descriptor } of files.values()) {
      const imported = (descriptor.dependency ?? []).map((d: string) => files.get(d)?.descriptor);
      const visible = new Set([descriptor, ...imported].flatMap((f) => (f ? [...declared(f)] : [])));
      const fields = (messages: IDescriptorProto[] = []): { typeName?: string | null }[] =>
        messages.flatMap((m) => [...(m.field ?? []), ...fields(m.nestedType ?? [])]);
      for (const field of fields(descriptor.messageType ?? [])) if (field.typeName) expect(visible).toContain(field.typeName);
    }
    // A map is a repeated <Name>Entry message marked map_entry (grpcurl's Go runtime rejects any other name).
    const entries = (training?.messageType ?? []).flatMap((m) => m.nestedType ?? []).filter((n) => n.options?.mapEntry);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(entry.name).toMatch(/Entry$/);
    // `optional` fields keep their synthetic oneof and proto3_optional flag.
    const optional = (training?.messageType ?? [])
      .flatMap((m) => m.field ?? [])
      .filter((f) => (f as { proto3Optional?: boolean }).proto3Optional);
    expect(optional.length).toBeGreaterThan(0);
  });

  it('is enough for a client with no copy of proto/ to call a service, as grpcurl does', async () => {
    const files = await download('grpc.health.v1.Health');
    const set = RawFileDescriptorSet.encode(RawFileDescriptorSet.create({ file: [...files.values()].map((f) => f.bytes) })).finish();
    const pkg = loadPackageDefinition(loadFileDescriptorSetFromBuffer(Buffer.from(set), { enums: String })) as unknown as {
      grpc: { health: { v1: { Health: ServiceClientConstructor } } };
    };
    const health = new pkg.grpc.health.v1.Health(grpcUrl, credentials.createInsecure());
    try {
      const res = await new Promise((resolve, reject) =>
        (health as unknown as { check(req: object, done: (err: unknown, res: unknown) => void): void }).check({ service: '' }, (err, r) =>
          err ? reject(err) : resolve(r),
        ),
      );
      expect(res).toEqual({ status: 'SERVING' });
    } finally {
      health.close();
    }
  });

  it('answers NOT_FOUND for a symbol the server does not serve', async () => {
    const res = await ask({ fileContainingSymbol: 'sdg.v1.SdgService' });
    expect(res.errorResponse?.errorCode).toBe(5);
  });
});
