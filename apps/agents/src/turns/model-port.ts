import { Metadata } from '@grpc/grpc-js';
import { unary } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';
import { inferenceError } from '../memory-banks/inference-calls';
import { streamOf } from './stream-of';

/** What a turn asks of the inference service. */
export interface ModelPort {
  chatStream(req: inferenceV1.ChatStreamRequest, signal: AbortSignal): AsyncIterable<inferenceV1.ChatStreamResponse>;
  /** The inference service's input moderations' findings for `text` (no model involved, nothing generated). */
  moderate(text: string, moderations: inferenceV1.Moderations, signal: AbortSignal): Promise<inferenceV1.ModerationResults>;
  /** The model's context length in tokens (0 when the catalog does not say). */
  contextLength(modelId: string, signal: AbortSignal): Promise<number>;
  countTokens(modelId: string, projectId: string, text: string, signal: AbortSignal): Promise<number>;
}

/** The inference service's refusals keep their code (a 400 stays a 400); anything else is the service unavailable. */
async function guarded<T>(what: string, signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (signal.aborted) throw err;
    throw inferenceError(err, what);
  }
}

/** The inference service's gRPC client as a ModelPort. */
export function grpcModelPort(client: inferenceV1.InferenceServiceClient): ModelPort {
  return {
    async *chatStream(req, signal) {
      try {
        yield* streamOf(client.chatStream(req, new Metadata()), signal);
      } catch (err) {
        if (signal.aborted) throw err;
        throw inferenceError(err, `model inference with ${req.modelId}`);
      }
    },
    moderate: (text, moderations, signal) =>
      guarded("the shields' moderations", signal, async () => {
        const res = await unary(client.moderate({ texts: [text], moderations }, new Metadata()), signal);
        return res.results[0] ?? { hap: [], pii: [] };
      }),
    contextLength: (modelId, signal) =>
      guarded('listing the models', signal, async () => {
        const res = await unary(client.listModels({}, new Metadata()), signal);
        return res.models.find((m) => m.modelId === modelId)?.maxSequenceLength ?? 0;
      }),
    countTokens: (modelId, projectId, text, signal) =>
      guarded(`tokenizing with ${modelId}`, signal, async () => {
        if (!text) return 0;
        const res = await unary(
          client.tokenize({ modelId, projectId, spaceId: '', input: text, returnTokens: false }, new Metadata()),
          signal,
        );
        return res.tokenCount;
      }),
  };
}
