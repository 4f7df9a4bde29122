import type { INestApplicationContext } from '@nestjs/common';
import type { PlainGrpcMethods } from '@platform/common';
import { inferenceV1 } from '@platform/contracts';
import { InferenceRpcs } from './inference-rpcs';

/**
 * The RPCs every text request of the gateway makes, served on plain grpc-js handlers: Nest's per-call pipeline cost
 * more CPU than the proxying itself (issue 19). Same contract, port, errors, metrics and cancellation as before.
 */
export function inferenceHotRpcs(app: INestApplicationContext): PlainGrpcMethods {
  const rpcs = app.get(InferenceRpcs);
  return {
    service: `inference.v1.${inferenceV1.INFERENCE_SERVICE_NAME}`,
    unary: {
      Generate: (req: inferenceV1.GenerateRequest, call) => rpcs.generate(req, call.signal),
      Chat: (req: inferenceV1.ChatRequest, call) => rpcs.chat(req, call.signal),
      Embed: (req: inferenceV1.EmbedRequest, call) => rpcs.embed(req, call.signal),
      Tokenize: (req: inferenceV1.TokenizeRequest, call) => rpcs.tokenize(req, call.signal),
    },
    serverStream: {
      GenerateStream: (req: inferenceV1.GenerateStreamRequest, call) => rpcs.generateStream(req, call.signal),
      ChatStream: (req: inferenceV1.ChatStreamRequest, call) => rpcs.chatStream(req, call.signal),
    },
  };
}
