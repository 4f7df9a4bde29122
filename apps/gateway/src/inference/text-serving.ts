import type { FastifyReply } from 'fastify';
import type { inferenceV1 } from '@platform/contracts';
import { sendEventStream } from './event-stream';
import type { InferenceRpc } from './inference-rpc';
import { chatChunkView, chatView, generationView } from './watsonx-views';

/** A response as it names `shownModelId` (a copy), or unchanged. */
const named = <T extends { modelId: string }>(res: T, shownModelId: string | undefined): T =>
  shownModelId === undefined ? res : { ...res, modelId: shownModelId };

/**
 * What the watsonx generation and chat routes do once a request is admitted and mapped, for a foundation model
 * (/ml/v1/text/…) and for a deployment (/ml/v1/deployments/{id_or_name}/text/…) alike: call the inference service,
 * answer in watsonx's JSON or stream it as server-sent events, and end a stream that fails midway with a terminal event.
 * `shownModelId`, when given, is the model the answers name instead of the one the service reports (a deployment's own
 * pool is named after its base model).
 */
export class TextServing {
  constructor(private readonly inference: InferenceRpc) {}

  async generation(gone: AbortSignal, req: inferenceV1.GenerateRequest, shownModelId?: string) {
    const res = await this.inference.generate(req, gone);
    return generationView(named(res, shownModelId), req.parameters?.returnOptions);
  }

  generationStream(reply: FastifyReply, req: inferenceV1.GenerateStreamRequest, shownModelId?: string): Promise<void> {
    const ro = req.parameters?.returnOptions;
    let last = { tokens: 0, input: 0 };
    return sendEventStream(
      reply,
      this.inference.generateStream(req),
      (item) => {
        last = { tokens: item.result?.generatedTokenCount ?? last.tokens, input: item.result?.inputTokenCount || last.input };
        return generationView(named(item, shownModelId), ro);
      },
      () => ({
        model_id: shownModelId ?? req.modelId,
        created_at: new Date().toISOString(),
        results: [{ generated_text: '', generated_token_count: last.tokens, input_token_count: last.input, stop_reason: 'error' }],
      }),
    );
  }

  async chat(gone: AbortSignal, req: inferenceV1.ChatRequest, shownModelId?: string) {
    return chatView(named(await this.inference.chat(req, gone), shownModelId));
  }

  chatStream(reply: FastifyReply, req: inferenceV1.ChatStreamRequest, shownModelId?: string): Promise<void> {
    const model = shownModelId ?? req.modelId;
    let head = { id: '', created: Math.floor(Date.now() / 1000) };
    return sendEventStream(
      reply,
      this.inference.chatStream(req),
      (item) => {
        head = { id: item.id, created: item.created };
        return chatChunkView(named(item, shownModelId));
      },
      () => ({
        id: head.id,
        object: 'chat.completion.chunk',
        model_id: model,
        model,
        created: head.created,
        created_at: new Date().toISOString(),
        choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
      }),
    );
  }
}
