import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError, decodeErrorDetails, unary, type ErrorTarget } from '@platform/common';
import type { documentsV1 } from '@platform/contracts';
import { mergedParameters, templateParameters } from './deployment-prompt-template';
import type { DeploymentTarget } from './deployment-target';
import type { DeploymentTextGenerationRequest } from './deployment-text.dto';
import type { TextGenerationRequest } from './inference.dto';

/**
 * The AutoAI RAG pattern branch of the deployment text routes. A deployed pattern answers questions: the request's
 * `input` is the question, the documents service's BuildRagPrompt retrieves with the pattern's settings and fills its
 * prompt template, and the generation runs on the pattern's foundation model with the pattern's parameters under the
 * request's own (a parameter the request sets wins). Only text/generation (and _stream) answer: chat is refused.
 */
type Pattern = NonNullable<DeploymentTarget['ragPattern']>;

/** The refusal of the chat routes on a deployed RAG pattern, naming the routes that answer. */
export function ragChatRefusal(): PlatformError {
  return new PlatformError(
    GrpcStatus.INVALID_ARGUMENT,
    'invalid_request',
    'This deployment serves an AutoAI RAG pattern, which answers text/generation and text/generation_stream (input is the question), not chat.',
    { type: 'parameter', name: 'id_or_name' },
  );
}

/**
 * The documents service's refusal as the deployment route names it: an experiment or pattern gone since it was deployed
 * (hard deleted) is a 404 saying what to do; the question is the request's `input`.
 */
function buildFailure(err: unknown, p: Pattern): unknown {
  const code = (err as { code?: number }).code;
  const details = decodeErrorDetails((err as { details?: string }).details);
  if (code === GrpcStatus.NOT_FOUND)
    return PlatformError.notFound(
      `The deployment's AutoAI RAG pattern ${p.patternName} of experiment ${p.experimentId} is no longer there` +
        `${details ? ` (${details.message})` : ''}; deploy another pattern (replace /asset) or delete the deployment.`,
      details?.code ?? 'autoai_rag_not_found',
    );
  if (code !== GrpcStatus.INVALID_ARGUMENT || !details) return err;
  const under = (target: ErrorTarget | undefined): ErrorTarget | undefined =>
    target?.name === 'question' ? { type: 'field', name: 'input' } : target;
  const issues = (details.issues ?? []).map((i) => ({ ...i, target: under(i.target) }));
  return new PlatformError(
    GrpcStatus.INVALID_ARGUMENT,
    details.code,
    details.message.replace(/^question\b/, 'input'),
    under(details.target),
    issues,
  );
}

export class DeploymentRagPatterns {
  constructor(private readonly documents: documentsV1.DocumentServiceClient) {}

  /** The foundation-model generation body for this question: the pattern's prompt, model and parameters. */
  async generation(body: DeploymentTextGenerationRequest, t: DeploymentTarget, pattern: Pattern): Promise<TextGenerationRequest> {
    if (body.parameters?.prompt_variables !== undefined)
      throw PlatformError.invalid(
        'parameters.prompt_variables is not taken by an AutoAI RAG pattern deployment: its prompt is filled with the retrieved chunks and input.',
        'parameters.prompt_variables',
      );
    if (body.input === undefined || body.input.trim() === '')
      throw PlatformError.invalid('input is required: the question this AutoAI RAG pattern deployment answers.', 'input');
    let built: documentsV1.BuildRagPromptResponse;
    try {
      built = await unary(
        this.documents.buildRagPrompt({
          projectId: t.projectId,
          spaceId: t.spaceId,
          experimentId: pattern.experimentId,
          patternName: pattern.patternName,
          question: body.input,
        }),
      );
    } catch (err) {
      throw buildFailure(err, pattern);
    }
    return {
      ...body,
      model_id: built.modelId,
      project_id: t.projectId,
      space_id: t.spaceId,
      input: built.prompt,
      parameters: mergedParameters(templateParameters(built.parametersJson), body.parameters),
    };
  }
}
