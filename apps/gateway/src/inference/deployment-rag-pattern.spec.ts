import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError, encodeErrorDetails } from '@platform/common';
import type { deploymentV1, documentsV1 } from '@platform/contracts';
import { of, throwError, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { DeploymentRagPatterns, ragChatRefusal } from './deployment-rag-pattern';
import { servingTarget, type DeploymentTarget } from './deployment-target';
import type { DeploymentTextGenerationRequest } from './deployment-text.dto';

const PATTERN = { experimentId: 'exp-1', patternName: 'Pattern1' };
const target: DeploymentTarget = {
  modelId: 'ibm/granite',
  projectId: 'p1',
  spaceId: '',
  shownModelId: 'ibm/granite',
  promptTemplateId: '',
  ragPattern: PATTERN,
};

const BUILT: documentsV1.BuildRagPromptResponse = {
  modelId: 'ibm/granite',
  prompt: 'Answer from the context.\n[doc1.txt] Paris is in France.\nQuestion: where is Paris?',
  parametersJson: '{"max_new_tokens":200,"decoding_method":"greedy","not_a_parameter":1}',
  chunks: [{ documentId: 'doc1.txt', sequenceNumber: 0, text: 'Paris is in France.', score: 0.9 }],
};

/** The documents service's BuildRagPrompt answering `answer`, recording what it was asked. */
function documents(answer: () => Observable<documentsV1.BuildRagPromptResponse> = () => of(BUILT)) {
  const asked: documentsV1.BuildRagPromptRequest[] = [];
  const client = {
    buildRagPrompt: (req: documentsV1.BuildRagPromptRequest) => {
      asked.push(req);
      return answer();
    },
  } as unknown as documentsV1.DocumentServiceClient;
  return { rag: new DeploymentRagPatterns(client), asked };
}

async function refusal(p: Promise<unknown>) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlatformError);
  const e = err as PlatformError;
  return { grpcCode: e.grpcCode, code: e.code, field: e.target?.name, message: e.message };
}

describe('a deployed AutoAI RAG pattern generating', () => {
  it("asks BuildRagPrompt with input as the question in the deployment's container, and generates with its prompt, model and parameters", async () => {
    const { rag, asked } = documents();
    const body: DeploymentTextGenerationRequest = { input: 'where is Paris?', parameters: { max_new_tokens: 20 } };
    const request = await rag.generation(body, target, PATTERN);
    expect(asked).toEqual([{ projectId: 'p1', spaceId: '', experimentId: 'exp-1', patternName: 'Pattern1', question: 'where is Paris?' }]);
    expect(request).toEqual({
      input: BUILT.prompt,
      model_id: 'ibm/granite',
      project_id: 'p1',
      space_id: '',
      // The request's own max_new_tokens wins over the pattern's; the pattern's other parameters apply; unknown ones are dropped.
      parameters: { max_new_tokens: 20, decoding_method: 'greedy' },
    });
  });

  it("keeps the pattern's parameters when the request sets none", async () => {
    const request = await documents().rag.generation({ input: 'q' }, target, PATTERN);
    expect(request.parameters).toEqual({ max_new_tokens: 200, decoding_method: 'greedy' });
  });

  it.each<[string, DeploymentTextGenerationRequest]>([
    ['no input', {}],
    ['a blank input', { input: '  ' }],
  ])('refuses %s naming input, asking nothing', async (_what, body) => {
    const { rag, asked } = documents();
    expect(await refusal(rag.generation(body, target, PATTERN))).toMatchObject({ grpcCode: GrpcStatus.INVALID_ARGUMENT, field: 'input' });
    expect(asked).toEqual([]);
  });

  it('refuses prompt variables naming them', async () => {
    const body = { input: 'q', parameters: { prompt_variables: { a: 'b' } } };
    expect((await refusal(documents().rag.generation(body, target, PATTERN))).field).toBe('parameters.prompt_variables');
  });

  it('answers 404 naming the experiment and the pattern once they are gone, keeping the documents service code', async () => {
    const gone = documents(() => throwError(() => Object.assign(new Error('x'), { code: GrpcStatus.NOT_FOUND })));
    const r = await refusal(gone.rag.generation({ input: 'q' }, target, PATTERN));
    expect(r).toMatchObject({ grpcCode: GrpcStatus.NOT_FOUND, code: 'autoai_rag_not_found' });
    expect(r.message).toMatch(/Pattern1 of experiment exp-1 is no longer there; deploy another pattern/);
    const details = encodeErrorDetails(
      PlatformError.notFound('The index of pattern "Pattern1" is no longer there.', 'rag_pattern_not_found'),
    );
    const noIndex = documents(() => throwError(() => Object.assign(new Error('x'), { code: GrpcStatus.NOT_FOUND, details })));
    expect(await refusal(noIndex.rag.generation({ input: 'q' }, target, PATTERN))).toMatchObject({
      grpcCode: GrpcStatus.NOT_FOUND,
      code: 'rag_pattern_not_found',
    });
  });

  it("names the documents service's refusal of the question as input", async () => {
    const details = encodeErrorDetails(PlatformError.invalid('question must be at most 4000 characters.', 'question'));
    const tooLong = documents(() => throwError(() => Object.assign(new Error('x'), { code: GrpcStatus.INVALID_ARGUMENT, details })));
    expect(await refusal(tooLong.rag.generation({ input: 'q' }, target, PATTERN))).toEqual({
      grpcCode: GrpcStatus.INVALID_ARGUMENT,
      code: 'invalid_request',
      field: 'input',
      message: 'input must be at most 4000 characters.',
    });
  });
});

describe('the chat routes of a deployed AutoAI RAG pattern', () => {
  it('answer 400 saying which routes it answers', () => {
    const err = ragChatRefusal();
    expect(err.grpcCode).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(err.message).toMatch(/text\/generation and text\/generation_stream/);
  });
});

describe('servingTarget of a deployed AutoAI RAG pattern', () => {
  const deployment = (over: Partial<deploymentV1.Deployment>) =>
    ({
      deployedAssetType: 'autoai_rag_pattern',
      modelId: 'ibm/granite',
      baseModelId: 'ibm/granite',
      projectId: 'p1',
      spaceId: '',
      promptTemplateId: '',
      ragExperimentId: 'exp-1',
      ragPatternName: 'Pattern1',
      status: { state: 'ready', messageLevel: 'info', messageText: '', failureCode: '', failureMessage: '' },
      ...over,
    }) as deploymentV1.Deployment;

  it("carries its experiment and pattern, and names the pattern's foundation model", () => {
    expect(servingTarget(deployment({}), 'd1')).toMatchObject({ modelId: 'ibm/granite', shownModelId: 'ibm/granite', ragPattern: PATTERN });
  });

  it('is no RAG pattern for another asset type', () => {
    expect(servingTarget(deployment({ deployedAssetType: 'foundation_model' }), 'd1').ragPattern).toBeNull();
  });
});
