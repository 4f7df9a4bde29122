import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PlatformError } from '@platform/common';
import type { notebooksV1 } from '@platform/contracts';
import type { DataSource } from 'typeorm';
import { NOTEBOOK_CONTENT } from '../notebooks.tokens';
import { findNotebook, findVersion, notebookNotFound, versionNotFound } from './find-notebook';
import type { NotebookContent } from './notebook-content';
import { checkContainer } from './notebook-fields';
import { NotebookVersionEntity } from './notebook-version.entity';
import { NotebookEntity } from './notebook.entity';

/** How often a snapshot is retried when the content changes while it is being copied. */
const SNAPSHOT_ATTEMPTS = 3;

/** Versions: immutable snapshots of a notebook's content, numbered 1, 2, … (`rev_id`, never reused). */
@Injectable()
export class NotebookVersionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(NOTEBOOK_CONTENT) private readonly content: NotebookContent,
  ) {}

  /**
   * Copies the current content to the version's own object, then inserts the row under the notebook's lock, if the
   * content is still the one copied (else copies again): the snapshot is exactly what was current when it was taken.
   */
  async create(req: notebooksV1.CreateNotebookVersionRequest): Promise<{ version: NotebookVersionEntity; notebook: NotebookEntity }> {
    const container = checkContainer(req.projectId, req.spaceId);
    for (let attempt = 1; attempt <= SNAPSHOT_ATTEMPTS; attempt++) {
      const notebook = await findNotebook(this.db.manager, container, req.notebookId);
      if (!notebook) throw notebookNotFound(container, req.notebookId);
      // Missing: replaced (its old object deleted) between the two reads, or the notebook deleted; the next round tells.
      const bytes = await this.content
        .read(notebook.contentKey, () => notebookNotFound(container, req.notebookId))
        .catch((e: unknown) => {
          if (e instanceof PlatformError && e.code === 'notebook_not_found' && attempt < SNAPSHOT_ATTEMPTS) return undefined;
          throw e;
        });
      if (!bytes) continue;
      const id = randomUUID();
      const key = this.content.versionKey(notebook.id, id);
      await this.content.put(key, bytes);
      let result: { version: NotebookVersionEntity; notebook: NotebookEntity } | undefined;
      try {
        result = await this.db.transaction(async (m) => {
          const row = await findNotebook(m, container, notebook.id, true);
          if (!row) throw notebookNotFound(container, notebook.id);
          if (row.contentKey !== notebook.contentKey) return undefined;
          row.lastRevId += 1;
          await m.getRepository(NotebookEntity).update({ id: row.id }, { lastRevId: row.lastRevId });
          const repo = m.getRepository(NotebookVersionEntity);
          const version = await repo.save(
            repo.create({
              id,
              notebookId: row.id,
              revId: row.lastRevId,
              contentKey: key,
              contentSize: bytes.length,
              createdBy: req.createdBy,
            }),
          );
          return { version, notebook: row };
        });
      } catch (e) {
        await this.content.discard(key);
        throw e;
      }
      if (result) return result;
      await this.content.discard(key);
    }
    throw PlatformError.conflict(`Notebook ${req.notebookId} kept changing while a version was taken; try again.`);
  }

  /** Newest first. */
  async list(req: notebooksV1.ListNotebookVersionsRequest): Promise<{ versions: NotebookVersionEntity[]; notebook: NotebookEntity }> {
    const container = checkContainer(req.projectId, req.spaceId);
    const notebook = await findNotebook(this.db.manager, container, req.notebookId);
    if (!notebook) throw notebookNotFound(container, req.notebookId);
    const versions = await this.db
      .getRepository(NotebookVersionEntity)
      .find({ where: { notebookId: notebook.id }, order: { revId: 'DESC' } });
    return { versions, notebook };
  }

  async get(req: notebooksV1.GetNotebookVersionRequest): Promise<{ version: NotebookVersionEntity; notebook: NotebookEntity }> {
    const container = checkContainer(req.projectId, req.spaceId);
    const notebook = await findNotebook(this.db.manager, container, req.notebookId);
    if (!notebook) throw notebookNotFound(container, req.notebookId);
    const version = await findVersion(this.db.manager, notebook.id, req.versionId);
    if (!version) throw versionNotFound(notebook.id, req.versionId);
    return { version, notebook };
  }

  /** The row under the notebook's lock (a revert to it then finds it gone), then its object. */
  async delete(req: notebooksV1.DeleteNotebookVersionRequest): Promise<void> {
    const container = checkContainer(req.projectId, req.spaceId);
    const key = await this.db.transaction(async (m) => {
      const notebook = await findNotebook(m, container, req.notebookId, true);
      if (!notebook) throw notebookNotFound(container, req.notebookId);
      const version = await findVersion(m, notebook.id, req.versionId);
      if (!version) throw versionNotFound(notebook.id, req.versionId);
      await m.getRepository(NotebookVersionEntity).delete({ id: version.id });
      if (notebook.revertedToVersionId === version.id)
        await m.getRepository(NotebookEntity).update({ id: notebook.id }, { revertedToVersionId: null });
      return version.contentKey;
    });
    await this.content.discard(key);
  }
}
