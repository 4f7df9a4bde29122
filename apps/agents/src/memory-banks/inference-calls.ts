import { status as GrpcStatus } from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import { PlatformError, unary, downstreamError } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';
import { INFERENCE } from '../agents.tokens';

/** A failed inference call as this service reports it (the request's mistake keeps its status, else UNAVAILABLE). */
export const inferenceError = (err: unknown, what: string): PlatformError => downstreamError('inference', err, what);

/** The inference calls memory banks make on a project's behalf: the catalog, tokenization and embeddings. */
@Injectable()
export class InferenceCalls {
  constructor(@Inject(INFERENCE) private readonly inference: inferenceV1.InferenceServiceClient) {}

  async catalog(): Promise<inferenceV1.ModelInfo[]> {
    try {
      return (await unary(this.inference.listModels({}))).models;
    } catch (err) {
      throw inferenceError(err, 'listing the models');
    }
  }

  /** The text's tokens as the model's tokenizer cuts them (decoded strings, special tokens included). */
  async tokens(modelId: string, projectId: string, input: string, signal?: AbortSignal): Promise<string[]> {
    try {
      const res = await unary(this.inference.tokenize({ modelId, input, projectId, spaceId: '', returnTokens: true }), signal);
      return res.tokens;
    } catch (err) {
      throw inferenceError(err, `tokenizing with ${modelId}`);
    }
  }

  /** One embedding per input, in order. */
  async embed(modelId: string, projectId: string, inputs: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    let res: inferenceV1.EmbedResponse;
    try {
      res = await unary(this.inference.embed({ modelId, inputs: [...inputs], projectId, spaceId: '', returnInputText: false }), signal);
    } catch (err) {
      throw inferenceError(err, `embedding with ${modelId}`);
    }
    if (res.results.length !== inputs.length)
      throw new PlatformError(
        GrpcStatus.UNAVAILABLE,
        'service_unavailable',
        `embedding with ${modelId}: ${res.results.length} embeddings came back for ${inputs.length} inputs`,
      );
    return res.results.map((r) => r.embedding);
  }
}
