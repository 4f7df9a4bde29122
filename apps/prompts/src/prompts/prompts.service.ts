import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PlatformError, isIssuedId, keysetPage, NEWEST_FIRST } from '@platform/common';
import type { promptsV1 } from '@platform/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { PromptsConfig } from '../prompts.config';
import {
  checkCaller,
  checkChatItems,
  checkContainer,
  checkDescription,
  checkInputMode,
  checkLockType,
  checkModelVersion,
  checkName,
  checkPromptDocument,
  checkPromptVariables,
  checkTaskIds,
  parseJson,
  type Container,
} from './prompt-fields';
import { checkMayChange, checkMayDelete, nextLock, type LockCaller } from './prompt-lock';
import { renderPrompt, requestVariables } from './prompt-render';
import { modelParameters, toLockMessage, toPromptMessage } from './prompt-view';
import { PromptEntity } from './prompt.entity';

const KIND = 'prompt';

export function promptNotFound(id: string): PlatformError {
  return PlatformError.notFound(`Prompt ${id} was not found.`, 'prompt_not_found');
}

const inContainer = (c: Container) => (c.projectId ? { projectId: c.projectId } : { spaceId: c.spaceId ?? '' });

function callerOf(caller: promptsV1.Caller | undefined): LockCaller {
  return { userId: checkCaller(caller?.userId), admin: Boolean(caller?.admin) };
}

/**
 * Prompts and prompt templates: the seed's field rules, locks that hold (every change reads the row under
 * `SELECT … FOR UPDATE`, so of two users racing for a lock or a change exactly one wins and the other sees its lock),
 * and the one renderer `/input` and prompt-template deployments share.
 */
@Injectable()
export class PromptsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(PromptsConfig.token) private readonly config: PromptsConfig,
  ) {}

  private async find(container: Container, id: string, m: EntityManager = this.db.manager): Promise<PromptEntity> {
    const row = isIssuedId(id) ? await m.getRepository(PromptEntity).findOneBy({ id, ...inContainer(container) }) : null;
    if (!row) throw promptNotFound(id);
    return row;
  }

  /** The row under a lock held until `work`'s transaction ends. */
  private locked<T>(container: Container, id: string, work: (row: PromptEntity, m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (m) => {
      const row = isIssuedId(id)
        ? await m.getRepository(PromptEntity).findOne({ where: { id, ...inContainer(container) }, lock: { mode: 'pessimistic_write' } })
        : null;
      if (!row) throw promptNotFound(id);
      return work(row, m);
    });
  }

  async create(req: promptsV1.CreatePromptRequest): Promise<promptsV1.Prompt> {
    const container = checkContainer(req.projectId, req.spaceId);
    const caller = callerOf(req.caller);
    const now = new Date();
    const lock = req.lock?.locked
      ? { lockType: checkLockType(req.lock.lockType), lockedBy: caller.userId }
      : { lockType: null, lockedBy: null };
    const row = await this.db.getRepository(PromptEntity).save({
      ...container,
      name: checkName(req.name),
      description: checkDescription(req.description),
      prompt: checkPromptDocument(req.promptJson),
      promptVariables: checkPromptVariables(req.promptVariablesJson),
      modelVersion: checkModelVersion(req.modelVersionJson),
      taskIds: checkTaskIds(req.taskIds),
      inputMode: checkInputMode(req.inputMode),
      governanceTracked: false,
      ...lock,
      createdBy: caller.userId,
      createdAt: req.createdAt > 0 ? new Date(req.createdAt) : now,
      lastUpdatedBy: caller.userId,
      lastUpdatedAt: now,
    });
    return toPromptMessage(row);
  }

  async get(req: promptsV1.GetPromptRequest): Promise<promptsV1.Prompt> {
    return toPromptMessage(await this.find(checkContainer(req.projectId, req.spaceId), req.promptId), req.restrictModelParameters);
  }

  async update(req: promptsV1.UpdatePromptRequest): Promise<promptsV1.Prompt> {
    const container = checkContainer(req.projectId, req.spaceId);
    const caller = callerOf(req.caller);
    // Checked before the row is locked: a bad request is a 400 whoever holds the lock.
    const changes: Partial<PromptEntity> = {
      ...(req.name !== undefined && { name: checkName(req.name) }),
      ...(req.description !== undefined && { description: checkDescription(req.description) }),
      ...(req.taskIds !== undefined && { taskIds: checkTaskIds(req.taskIds.values) }),
      ...(req.governanceTracked !== undefined && { governanceTracked: req.governanceTracked }),
      ...(req.modelVersionJson !== undefined && { modelVersion: checkModelVersion(req.modelVersionJson) }),
      ...(req.promptVariablesJson !== undefined && { promptVariables: checkPromptVariables(req.promptVariablesJson) }),
      ...(req.inputMode !== undefined && { inputMode: checkInputMode(req.inputMode, true) }),
      ...(req.promptJson !== undefined && { prompt: checkPromptDocument(req.promptJson) }),
    };
    return this.locked(container, req.promptId, async (row, m) => {
      checkMayChange(KIND, row.id, row, caller);
      Object.assign(row, changes, { lastUpdatedBy: caller.userId, lastUpdatedAt: new Date() });
      return toPromptMessage(await m.getRepository(PromptEntity).save(row));
    });
  }

  async delete(req: promptsV1.DeletePromptRequest): Promise<void> {
    const container = checkContainer(req.projectId, req.spaceId);
    const caller = callerOf(req.caller);
    await this.locked(container, req.promptId, async (row, m) => {
      checkMayDelete(KIND, row.id, row, caller);
      await m.getRepository(PromptEntity).delete({ id: row.id });
    });
  }

  async updateLock(req: promptsV1.UpdatePromptLockRequest): Promise<promptsV1.Lock> {
    const container = checkContainer(req.projectId, req.spaceId);
    const caller = callerOf(req.caller);
    const lockType = checkLockType(req.lockType);
    return this.locked(container, req.promptId, async (row, m) => {
      const lock = nextLock(KIND, row.id, row, caller, { locked: req.locked, lockType, force: req.force }, row.createdBy);
      await m.getRepository(PromptEntity).update({ id: row.id }, lock);
      return toLockMessage(lock);
    });
  }

  async getLock(req: promptsV1.GetPromptLockRequest): Promise<promptsV1.Lock> {
    return toLockMessage(await this.find(checkContainer(req.projectId, req.spaceId), req.promptId));
  }

  /** Chat items are appended under the row lock, so concurrent additions all land, in commit order. */
  async addChatItems(req: promptsV1.AddPromptChatItemsRequest): Promise<void> {
    const container = checkContainer(req.projectId, req.spaceId);
    const caller = callerOf(req.caller);
    const items = checkChatItems(req.chatItemsJson);
    if (!items.length) throw PlatformError.invalid('chat_items must hold at least one chat item.', 'chat_items');
    await this.locked(container, req.promptId, async (row, m) => {
      checkMayChange(KIND, row.id, row, caller);
      const existing = Array.isArray(row.prompt.chat_items) ? (row.prompt.chat_items as unknown[]) : [];
      if (existing.length + items.length > this.config.maxChatItems)
        throw PlatformError.invalid(`A prompt keeps at most ${this.config.maxChatItems} chat items.`, 'chat_items');
      row.prompt = { ...row.prompt, chat_items: [...existing, ...items] };
      Object.assign(row, { lastUpdatedBy: caller.userId, lastUpdatedAt: new Date() });
      await m.getRepository(PromptEntity).save(row);
    });
  }

  /** `POST /v1/prompts/{id}/input`: the rendered text. */
  async input(req: promptsV1.GetPromptInputRequest): Promise<string> {
    const row = await this.find(checkContainer(req.projectId, req.spaceId), req.promptId);
    return renderPrompt(row, req.input, this.variables(req.promptVariablesJson));
  }

  /** A prompt-template deployment's text, with the template's model and (inference) parameters. */
  async render(req: promptsV1.RenderPromptRequest): Promise<promptsV1.RenderPromptResponse> {
    const row = await this.find(checkContainer(req.projectId, req.spaceId), req.promptId);
    const text = renderPrompt(row, req.input || undefined, this.variables(req.promptVariablesJson));
    const params = modelParameters(row.prompt, true);
    return {
      text,
      modelId: typeof row.prompt.model_id === 'string' ? row.prompt.model_id : '',
      modelParametersJson: params ? JSON.stringify(params) : '',
    };
  }

  private variables(json: string): Map<string, string> {
    return requestVariables(json ? parseJson(json, 'prompt_variables') : undefined);
  }

  /** The container's prompts, newest first, for the asset search. */
  async search(req: promptsV1.SearchPromptsRequest): Promise<promptsV1.SearchPromptsResponse> {
    const container = checkContainer(req.projectId, req.spaceId);
    if (req.limit < 0 || req.limit > this.config.maxSearchLimit)
      throw PlatformError.invalid(`limit must be between 1 and ${this.config.maxSearchLimit}.`, 'limit');
    const qb = this.db.getRepository(PromptEntity).createQueryBuilder('p');
    if (container.projectId) qb.where('p.project_id = :c', { c: container.projectId });
    else qb.where('p.space_id = :c', { c: container.spaceId });
    if (req.name) qb.andWhere('p.name = :name', { name: req.name });
    const page = await keysetPage(qb, NEWEST_FIRST('p'), { limit: req.limit || 100, start: req.bookmark });
    return { prompts: page.items.map((row) => toPromptMessage(row)), totalRows: page.totalCount, bookmark: page.nextStart };
  }
}
