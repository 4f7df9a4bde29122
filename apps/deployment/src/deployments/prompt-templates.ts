import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ClientGrpc } from '@nestjs/microservices';
import { PlatformError, unary } from '@platform/common';
import { promptsV1 } from '@platform/contracts';

/** A deployment's container: exactly one of the two is set. */
export interface Container {
  projectId: string | null;
  spaceId: string | null;
}

/** What a prompt-template deployment needs to know of its template. */
export interface PromptTemplateRef {
  id: string;
  /** The foundation model the template was written for, when it names one. */
  modelId?: string;
}

/** Where prompt templates are looked up: the template `id` of the deployment's container, or none. */
export interface PromptTemplates {
  find(id: string, container: Container): Promise<PromptTemplateRef | undefined>;
}

/** Answers that mean "this container has no such prompt": unknown, or an id the prompts service could never have issued. */
const NOT_THERE = new Set<number>([GrpcStatus.NOT_FOUND, GrpcStatus.INVALID_ARGUMENT]);
/** The prompts service is down or slow: the template may well exist, so this is no 404. */
const UNREACHABLE = new Set<number>([GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED]);

const modelIdOf = (promptJson: string): string | undefined => {
  try {
    const modelId = (JSON.parse(promptJson || '{}') as { model_id?: unknown }).model_id;
    return typeof modelId === 'string' && modelId ? modelId : undefined;
  } catch {
    return undefined;
  }
};

/** The prompts service's GetPrompt in the deployment's own project or space (a template of another one is not found). */
export class GrpcPromptTemplates implements PromptTemplates {
  private readonly prompts: promptsV1.PromptServiceClient;

  constructor(client: ClientGrpc) {
    this.prompts = client.getService<promptsV1.PromptServiceClient>(promptsV1.PROMPT_SERVICE_NAME);
  }

  async find(id: string, container: Container): Promise<PromptTemplateRef | undefined> {
    try {
      const { prompt } = await unary(
        this.prompts.getPrompt({
          projectId: container.projectId ?? '',
          spaceId: container.spaceId ?? '',
          promptId: id,
          restrictModelParameters: true,
        }),
      );
      return prompt ? { id: prompt.id, modelId: modelIdOf(prompt.promptJson) } : undefined;
    } catch (err) {
      const code = (err as { code?: number }).code ?? GrpcStatus.UNKNOWN;
      if (NOT_THERE.has(code)) return undefined;
      if (UNREACHABLE.has(code))
        throw new PlatformError(
          GrpcStatus.UNAVAILABLE,
          'prompts_unavailable',
          `prompt_template.id ${id} could not be looked up: the prompts service cannot be reached. Try again.`,
        );
      throw err;
    }
  }
}
