import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { promptsV1 } from '@platform/contracts';
import { SessionsService } from './sessions.service';

const SERVICE = promptsV1.PROMPT_SERVICE_NAME;

/** The prompt-session methods this controller serves; the prompt methods are the prompts controller's (prompts/). */
type SessionMethods = Pick<
  promptsV1.PromptServiceController,
  | 'createPromptSession'
  | 'getPromptSession'
  | 'updatePromptSession'
  | 'deletePromptSession'
  | 'createPromptSessionEntry'
  | 'listPromptSessionEntries'
  | 'getPromptSessionEntry'
  | 'deletePromptSessionEntry'
  | 'addPromptSessionEntryChatItems'
  | 'updatePromptSessionLock'
  | 'getPromptSessionLock'
>;

/** `prompts.v1.PromptService`, its prompt-session half: what the gateway's `/v1/prompt_sessions` (and `/wx/v1/…`) routes call. */
@Controller()
export class SessionsGrpcController implements SessionMethods {
  constructor(private readonly sessions: SessionsService) {}

  @GrpcMethod(SERVICE, 'createPromptSession')
  async createPromptSession(req: promptsV1.CreatePromptSessionRequest): Promise<promptsV1.CreatePromptSessionResponse> {
    return { session: await this.sessions.create(req) };
  }

  @GrpcMethod(SERVICE, 'getPromptSession')
  async getPromptSession(req: promptsV1.GetPromptSessionRequest): Promise<promptsV1.GetPromptSessionResponse> {
    return { session: await this.sessions.get(req) };
  }

  @GrpcMethod(SERVICE, 'updatePromptSession')
  async updatePromptSession(req: promptsV1.UpdatePromptSessionRequest): Promise<promptsV1.UpdatePromptSessionResponse> {
    return { session: await this.sessions.update(req) };
  }

  @GrpcMethod(SERVICE, 'deletePromptSession')
  async deletePromptSession(req: promptsV1.DeletePromptSessionRequest): Promise<promptsV1.DeletePromptSessionResponse> {
    await this.sessions.delete(req);
    return {};
  }

  @GrpcMethod(SERVICE, 'createPromptSessionEntry')
  async createPromptSessionEntry(req: promptsV1.CreatePromptSessionEntryRequest): Promise<promptsV1.CreatePromptSessionEntryResponse> {
    return { entry: await this.sessions.createEntry(req) };
  }

  @GrpcMethod(SERVICE, 'listPromptSessionEntries')
  listPromptSessionEntries(req: promptsV1.ListPromptSessionEntriesRequest): Promise<promptsV1.ListPromptSessionEntriesResponse> {
    return this.sessions.listEntries(req);
  }

  @GrpcMethod(SERVICE, 'getPromptSessionEntry')
  async getPromptSessionEntry(req: promptsV1.GetPromptSessionEntryRequest): Promise<promptsV1.GetPromptSessionEntryResponse> {
    return { entry: await this.sessions.getEntry(req) };
  }

  @GrpcMethod(SERVICE, 'deletePromptSessionEntry')
  async deletePromptSessionEntry(req: promptsV1.DeletePromptSessionEntryRequest): Promise<promptsV1.DeletePromptSessionEntryResponse> {
    await this.sessions.deleteEntry(req);
    return {};
  }

  @GrpcMethod(SERVICE, 'addPromptSessionEntryChatItems')
  async addPromptSessionEntryChatItems(
    req: promptsV1.AddPromptSessionEntryChatItemsRequest,
  ): Promise<promptsV1.AddPromptSessionEntryChatItemsResponse> {
    await this.sessions.addEntryChatItems(req);
    return {};
  }

  @GrpcMethod(SERVICE, 'updatePromptSessionLock')
  async updatePromptSessionLock(req: promptsV1.UpdatePromptSessionLockRequest): Promise<promptsV1.UpdatePromptSessionLockResponse> {
    return { lock: await this.sessions.updateLock(req) };
  }

  @GrpcMethod(SERVICE, 'getPromptSessionLock')
  async getPromptSessionLock(req: promptsV1.GetPromptSessionLockRequest): Promise<promptsV1.GetPromptSessionLockResponse> {
    return { lock: await this.sessions.getLock(req) };
  }
}
