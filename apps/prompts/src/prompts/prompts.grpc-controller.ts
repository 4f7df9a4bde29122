import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { promptsV1 } from '@platform/contracts';
import { PromptsService } from './prompts.service';

const SERVICE = promptsV1.PROMPT_SERVICE_NAME;

/** The prompt methods this controller serves; the prompt-session methods are the sessions controller's (sessions/). */
type PromptMethods = Pick<
  promptsV1.PromptServiceController,
  | 'createPrompt'
  | 'getPrompt'
  | 'updatePrompt'
  | 'deletePrompt'
  | 'updatePromptLock'
  | 'getPromptLock'
  | 'getPromptInput'
  | 'addPromptChatItems'
  | 'renderPrompt'
  | 'searchPrompts'
>;

/**
 * `prompts.v1.PromptService`, its prompt half: what the gateway's `/v1/prompts` (and `/wx/v1/prompts`) routes, the
 * SDK's asset search and prompt-template deployments call. Each method is bound by name, so the service's methods
 * can be split between two controllers.
 */
@Controller()
export class PromptsGrpcController implements PromptMethods {
  constructor(private readonly prompts: PromptsService) {}

  @GrpcMethod(SERVICE, 'createPrompt')
  async createPrompt(req: promptsV1.CreatePromptRequest): Promise<promptsV1.CreatePromptResponse> {
    return { prompt: await this.prompts.create(req) };
  }

  @GrpcMethod(SERVICE, 'getPrompt')
  async getPrompt(req: promptsV1.GetPromptRequest): Promise<promptsV1.GetPromptResponse> {
    return { prompt: await this.prompts.get(req) };
  }

  @GrpcMethod(SERVICE, 'updatePrompt')
  async updatePrompt(req: promptsV1.UpdatePromptRequest): Promise<promptsV1.UpdatePromptResponse> {
    return { prompt: await this.prompts.update(req) };
  }

  @GrpcMethod(SERVICE, 'deletePrompt')
  async deletePrompt(req: promptsV1.DeletePromptRequest): Promise<promptsV1.DeletePromptResponse> {
    await this.prompts.delete(req);
    return {};
  }

  @GrpcMethod(SERVICE, 'updatePromptLock')
  async updatePromptLock(req: promptsV1.UpdatePromptLockRequest): Promise<promptsV1.UpdatePromptLockResponse> {
    return { lock: await this.prompts.updateLock(req) };
  }

  @GrpcMethod(SERVICE, 'getPromptLock')
  async getPromptLock(req: promptsV1.GetPromptLockRequest): Promise<promptsV1.GetPromptLockResponse> {
    return { lock: await this.prompts.getLock(req) };
  }

  @GrpcMethod(SERVICE, 'getPromptInput')
  async getPromptInput(req: promptsV1.GetPromptInputRequest): Promise<promptsV1.GetPromptInputResponse> {
    return { input: await this.prompts.input(req) };
  }

  @GrpcMethod(SERVICE, 'addPromptChatItems')
  async addPromptChatItems(req: promptsV1.AddPromptChatItemsRequest): Promise<promptsV1.AddPromptChatItemsResponse> {
    await this.prompts.addChatItems(req);
    return {};
  }

  @GrpcMethod(SERVICE, 'renderPrompt')
  renderPrompt(req: promptsV1.RenderPromptRequest): Promise<promptsV1.RenderPromptResponse> {
    return this.prompts.render(req);
  }

  @GrpcMethod(SERVICE, 'searchPrompts')
  searchPrompts(req: promptsV1.SearchPromptsRequest): Promise<promptsV1.SearchPromptsResponse> {
    return this.prompts.search(req);
  }
}
