import { ClientGrpcProxy } from '@nestjs/microservices';
import { envInt, grpcOptions, serviceGrpcUrl, type ProtoName } from '@platform/common';
import { inferenceV1, taxonomyV1 } from '@platform/contracts';

export interface GrpcClient<S extends object> {
  service: S;
  close(): void;
}

/** Benchmarks run generations for minutes, so calls get the inference deadline, not the CRUD default. */
function client<S extends object>(url: string, proto: ProtoName, serviceName: string, grpcService: string): GrpcClient<S> {
  const base = grpcOptions(url, [proto]);
  const timeout = `${(envInt('PLATFORM_INFERENCE_TIMEOUT_MS', 600_000) / 1000).toFixed(3)}s`;
  const config = { methodConfig: [{ name: [{ service: grpcService }], timeout }] };
  const proxy = new ClientGrpcProxy({
    ...base.options,
    channelOptions: { ...base.options.channelOptions, 'grpc.service_config': JSON.stringify(config) },
  });
  return { service: proxy.getService<S>(serviceName), close: () => proxy.close() };
}

export const inferenceClient = (url = serviceGrpcUrl('inference')) =>
  client<inferenceV1.InferenceServiceClient>(url, 'inference', inferenceV1.INFERENCE_SERVICE_NAME, 'inference.v1.InferenceService');

export const taxonomyClient = (url = serviceGrpcUrl('taxonomy')) =>
  client<taxonomyV1.TaxonomyServiceClient>(url, 'taxonomy', taxonomyV1.TAXONOMY_SERVICE_NAME, 'taxonomy.v1.TaxonomyService');
