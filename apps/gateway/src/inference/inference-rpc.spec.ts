import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ClientGrpc } from '@nestjs/microservices';
import { describe, expect, it } from 'vitest';
import { InferenceRpc } from './inference-rpc';

/** A client whose every method records the model it was asked for and answers at once. */
function recordingClient() {
  const asked: string[] = [];
  const unary = (req: { modelId: string }, _md: unknown, _opts: unknown, done: (err: null, res: object) => void) => {
    asked.push(req.modelId);
    done(null, { modelId: req.modelId });
  };
  const raw = { generate: unary, chat: unary, embed: unary, rerank: unary, tokenize: unary };
  return { asked, client: { getClientByServiceName: () => raw } as unknown as ClientGrpc };
}

const generate = (rpc: InferenceRpc, modelId: string) =>
  rpc.generate({ modelId, input: 'hi', projectId: 'p', spaceId: '', parameters: undefined, moderations: undefined });

describe('InferenceRpc pool reach', () => {
  it("answers a deployment's own pool named on a catalog route as a model that does not exist, without calling the service", async () => {
    const { asked, client } = recordingClient();
    const rpc = new InferenceRpc(client);
    expect(() => generate(rpc, 'deployments/0b7c3f5e-2d4a-4e8b-9c1d-6f0a2b3c4d5e')).toThrow(
      expect.objectContaining({ grpcCode: GrpcStatus.NOT_FOUND, code: 'model_not_supported' }),
    );
    expect(() => rpc.chatStream({ modelId: 'deployments/x' } as Parameters<InferenceRpc['chatStream']>[0])).toThrow(/not supported/);
    expect(asked).toEqual([]);
    await expect(generate(rpc, 'platform/tiny-llama')).resolves.toEqual({ modelId: 'platform/tiny-llama' });
    expect(asked).toEqual(['platform/tiny-llama']);
  });

  it('lets the deployment routes, which check access to the deployment first, reach its pool', async () => {
    const { asked, client } = recordingClient();
    await expect(generate(new InferenceRpc(client, 'deployments'), 'deployments/d1')).resolves.toEqual({ modelId: 'deployments/d1' });
    expect(asked).toEqual(['deployments/d1']);
  });
});
