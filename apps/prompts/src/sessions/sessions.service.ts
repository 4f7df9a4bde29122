import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PlatformError, isIssuedId } from '@platform/common';
import type { promptsV1 } from '@platform/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { checkCaller, checkChatItems, checkLockType } from '../prompts/prompt-fields';
import { checkMayChange, checkMayDelete, nextLock, type LockCaller } from '../prompts/prompt-lock';
import { toLockMessage } from '../prompts/prompt-view';
import { PromptsConfig } from '../prompts.config';
import { PromptSessionEntryEntity } from './prompt-session-entry.entity';
import { PromptSessionEntity } from './prompt-session.entity';
import { entriesPage } from './session-entries-page';
import {
  checkCreatedAt,
  checkEntry,
  checkInitialEntries,
  checkProject,
  checkSessionDescription,
  checkSessionName,
  type CheckedEntry,
} from './session-fields';
import { toEntryMessage, toSessionMessage } from './session-view';

const KIND = 'prompt_session';

export function sessionNotFound(id: string): PlatformError {
  return PlatformError.notFound(`Prompt session ${id} was not found.`, 'prompt_session_not_found');
}

export function entryNotFound(sessionId: string, id: string): PlatformError {
  return PlatformError.notFound(`Entry ${id} of prompt session ${sessionId} was not found.`, 'prompt_session_entry_not_found');
}

function callerOf(caller: promptsV1.Caller | undefined): LockCaller {
  return { userId: checkCaller(caller?.userId), admin: Boolean(caller?.admin) };
}

function entryRow(sessionId: string, e: CheckedEntry, userId: string, now: Date): Partial<PromptSessionEntryEntity> {
  return { sessionId, ...e, createdBy: userId, lastUpdatedBy: userId, lastUpdatedAt: now };
}

/**
 * Prompt sessions and their entries. Every change (to the session, its lock, its entries or an entry's chat items)
 * reads the session row under `SELECT … FOR UPDATE` and checks its lock with the prompts' one lock code, so of two
 * users racing exactly one wins and the other meets the lock; entries are immutable snapshots apart from chat items.
 */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(PromptsConfig.token) private readonly config: PromptsConfig,
  ) {}

  private async find(projectId: string, id: string): Promise<PromptSessionEntity> {
    const row = isIssuedId(id) ? await this.db.getRepository(PromptSessionEntity).findOneBy({ id, projectId }) : null;
    if (!row) throw sessionNotFound(id);
    return row;
  }

  /** The session row under a lock held until `work`'s transaction ends. */
  private locked<T>(projectId: string, id: string, work: (row: PromptSessionEntity, m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(async (m) => {
      const row = isIssuedId(id)
        ? await m.getRepository(PromptSessionEntity).findOne({ where: { id, projectId }, lock: { mode: 'pessimistic_write' } })
        : null;
      if (!row) throw sessionNotFound(id);
      return work(row, m);
    });
  }

  /** The session under its row lock, changeable by `caller` (another user's lock refuses), marked as changed by them. */
  private changing<T>(
    projectId: string,
    id: string,
    caller: LockCaller,
    work: (row: PromptSessionEntity, m: EntityManager, now: Date) => Promise<T>,
  ): Promise<T> {
    return this.locked(projectId, id, async (row, m) => {
      checkMayChange(KIND, row.id, row, caller);
      const now = new Date();
      const result = await work(row, m, now);
      await m.getRepository(PromptSessionEntity).update({ id: row.id }, { lastUpdatedBy: caller.userId, lastUpdatedAt: now });
      return result;
    });
  }

  /** Entries change only under their session's row lock, so reading one inside that transaction needs no lock of its own. */
  private static async entryOf(m: EntityManager, sessionId: string, id: string): Promise<PromptSessionEntryEntity | null> {
    return isIssuedId(id) ? m.getRepository(PromptSessionEntryEntity).findOneBy({ id, sessionId }) : null;
  }

  /** The session and the entries given with it, in one transaction: a bad entry leaves nothing behind. */
  async create(req: promptsV1.CreatePromptSessionRequest): Promise<promptsV1.PromptSession> {
    const projectId = checkProject(req.projectId);
    const caller = callerOf(req.caller);
    const now = new Date();
    const lock = req.lock?.locked
      ? { lockType: checkLockType(req.lock.lockType), lockedBy: caller.userId }
      : { lockType: null, lockedBy: null };
    const session = {
      projectId,
      name: checkSessionName(req.name),
      description: checkSessionDescription(req.description),
      ...lock,
      createdBy: caller.userId,
      createdAt: checkCreatedAt(req.createdAt, now),
      lastUpdatedBy: caller.userId,
      lastUpdatedAt: now,
    };
    const entries = checkInitialEntries(req.promptsJson, now);
    return this.db.transaction(async (m) => {
      const row = await m.getRepository(PromptSessionEntity).save(session);
      const saved = await m.getRepository(PromptSessionEntryEntity).save(entries.map((e) => entryRow(row.id, e, caller.userId, now)));
      return toSessionMessage(row, req.promptsJson ? saved : null);
    });
  }

  /** `prefetch`: with the most recent entry (none when the session has none). */
  async get(req: promptsV1.GetPromptSessionRequest): Promise<promptsV1.PromptSession> {
    const row = await this.find(checkProject(req.projectId), req.sessionId);
    if (!req.prefetch) return toSessionMessage(row);
    const latest = await this.db
      .getRepository(PromptSessionEntryEntity)
      .find({ where: { sessionId: row.id }, order: { createdAt: 'DESC', id: 'DESC' }, take: 1 });
    return toSessionMessage(row, latest);
  }

  async update(req: promptsV1.UpdatePromptSessionRequest): Promise<promptsV1.PromptSession> {
    const projectId = checkProject(req.projectId);
    const caller = callerOf(req.caller);
    // Checked before the row is locked: a bad request is a 400 whoever holds the lock.
    const changes: Partial<PromptSessionEntity> = {
      ...(req.name !== undefined && { name: checkSessionName(req.name) }),
      ...(req.description !== undefined && { description: checkSessionDescription(req.description) }),
    };
    return this.locked(projectId, req.sessionId, async (row, m) => {
      checkMayChange(KIND, row.id, row, caller);
      Object.assign(row, changes, { lastUpdatedBy: caller.userId, lastUpdatedAt: new Date() });
      return toSessionMessage(await m.getRepository(PromptSessionEntity).save(row));
    });
  }

  /** The session and, by the foreign key's cascade, every entry of it. */
  async delete(req: promptsV1.DeletePromptSessionRequest): Promise<void> {
    const projectId = checkProject(req.projectId);
    const caller = callerOf(req.caller);
    await this.locked(projectId, req.sessionId, async (row, m) => {
      checkMayDelete(KIND, row.id, row, caller);
      await m.getRepository(PromptSessionEntity).delete({ id: row.id });
    });
  }

  async updateLock(req: promptsV1.UpdatePromptSessionLockRequest): Promise<promptsV1.Lock> {
    const projectId = checkProject(req.projectId);
    const caller = callerOf(req.caller);
    const lockType = checkLockType(req.lockType);
    return this.locked(projectId, req.sessionId, async (row, m) => {
      const lock = nextLock(KIND, row.id, row, caller, { locked: req.locked, lockType, force: req.force }, row.createdBy);
      await m.getRepository(PromptSessionEntity).update({ id: row.id }, lock);
      return toLockMessage(lock);
    });
  }

  async getLock(req: promptsV1.GetPromptSessionLockRequest): Promise<promptsV1.Lock> {
    return toLockMessage(await this.find(checkProject(req.projectId), req.sessionId));
  }

  async createEntry(req: promptsV1.CreatePromptSessionEntryRequest): Promise<promptsV1.PromptSessionEntry> {
    const projectId = checkProject(req.projectId);
    const caller = callerOf(req.caller);
    const entry = checkEntry(req, new Date());
    return this.changing(projectId, req.sessionId, caller, async (row, m, now) =>
      toEntryMessage(await m.getRepository(PromptSessionEntryEntity).save(entryRow(row.id, entry, caller.userId, now))),
    );
  }

  async listEntries(req: promptsV1.ListPromptSessionEntriesRequest): Promise<promptsV1.ListPromptSessionEntriesResponse> {
    const session = await this.find(checkProject(req.projectId), req.sessionId);
    const page = await entriesPage(this.db, session.id, { limit: req.limit, bookmark: req.bookmark });
    return { entries: page.items.map(toEntryMessage), bookmark: page.nextStart };
  }

  async getEntry(req: promptsV1.GetPromptSessionEntryRequest): Promise<promptsV1.PromptSessionEntry> {
    const session = await this.find(checkProject(req.projectId), req.sessionId);
    const entry = await SessionsService.entryOf(this.db.manager, session.id, req.entryId);
    if (!entry) throw entryNotFound(session.id, req.entryId);
    return toEntryMessage(entry);
  }

  async deleteEntry(req: promptsV1.DeletePromptSessionEntryRequest): Promise<void> {
    const projectId = checkProject(req.projectId);
    const caller = callerOf(req.caller);
    await this.changing(projectId, req.sessionId, caller, async (row, m) => {
      const entry = await SessionsService.entryOf(m, row.id, req.entryId);
      if (!entry) throw entryNotFound(row.id, req.entryId);
      await m.getRepository(PromptSessionEntryEntity).delete({ id: entry.id });
    });
  }

  /** Appended to the entry's `prompt.chat_items` under the session's row lock, so concurrent additions all land. */
  async addEntryChatItems(req: promptsV1.AddPromptSessionEntryChatItemsRequest): Promise<void> {
    const projectId = checkProject(req.projectId);
    const caller = callerOf(req.caller);
    const items = checkChatItems(req.chatItemsJson);
    if (!items.length) throw PlatformError.invalid('chat_items must hold at least one chat item.', 'chat_items');
    await this.changing(projectId, req.sessionId, caller, async (row, m, now) => {
      const entry = await SessionsService.entryOf(m, row.id, req.entryId);
      if (!entry) throw entryNotFound(row.id, req.entryId);
      const existing = Array.isArray(entry.prompt.chat_items) ? (entry.prompt.chat_items as unknown[]) : [];
      if (existing.length + items.length > this.config.maxChatItems)
        throw PlatformError.invalid(`A prompt session entry keeps at most ${this.config.maxChatItems} chat items.`, 'chat_items');
      entry.prompt = { ...entry.prompt, chat_items: [...existing, ...items] };
      Object.assign(entry, { lastUpdatedBy: caller.userId, lastUpdatedAt: now });
      await m.getRepository(PromptSessionEntryEntity).save(entry);
    });
  }
}
