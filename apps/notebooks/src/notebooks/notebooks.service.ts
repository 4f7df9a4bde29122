import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PlatformError, isIssuedId } from '@platform/common';
import type { notebooksV1 } from '@platform/contracts';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { validateNotebook, type ValidNotebook } from '../nbformat/nbformat-validator';
import { NOTEBOOK_CONTENT } from '../notebooks.tokens';
import { findNotebook, findVersion, notebookNotFound, versionNotFound } from './find-notebook';
import type { NotebookContent } from './notebook-content';
import {
  MAX_LISTED_IDS,
  checkContainer,
  checkDescription,
  checkEnvironment,
  checkFileReference,
  checkId,
  checkName,
  checkTags,
  readKernel,
  readOrigin,
  readRuntime,
  type Container,
} from './notebook-fields';
import { NotebookEntity, type NotebookKernel, type NotebookOrigin, type NotebookRuntime } from './notebook.entity';

/** Validated `.ipynb` bytes and what the service keeps from them. */
interface Content {
  bytes: Buffer;
  notebook: ValidNotebook;
}

/** Notebooks: rows in PostgreSQL, `.ipynb` content in the object store (`NotebookContent`). */
@Injectable()
export class NotebooksService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(NOTEBOOK_CONTENT) private readonly content: NotebookContent,
  ) {}

  /**
   * From uploaded bytes, a file of the container's storage, or a copy of a notebook of the container. The content is
   * validated, written under the new notebook's prefix, and only then is the row inserted; a failed insert deletes the
   * object, so a failed create leaves neither.
   */
  async create(req: notebooksV1.CreateNotebookRequest): Promise<NotebookEntity> {
    const container = checkContainer(req.projectId, req.spaceId);
    const name = checkName(req.name);
    const description = checkDescription(req.description);
    const tags = checkTags(req.tags);
    let runtime = readRuntime(req.runtimeJson);
    let kernel = readKernel(req.kernelJson);
    let origin = readOrigin(req.originatesFromJson);
    const sources = [req.content.length > 0, req.fileReference !== '', req.sourceNotebookId !== ''].filter(Boolean).length;
    if (sources !== 1) throw PlatformError.invalid('Give exactly one of content, file_reference and source_notebook_id.', 'file_reference');

    let content: Content;
    if (req.sourceNotebookId) {
      checkId(req.sourceNotebookId, 'source_notebook_id');
      const source = await findNotebook(this.db.manager, container, req.sourceNotebookId);
      if (!source) throw notebookNotFound(container, req.sourceNotebookId);
      content = await this.load(source.contentKey, () => notebookNotFound(container, req.sourceNotebookId));
      runtime ??= source.runtime;
      kernel ??= source.kernel;
      if (!req.originatesFromJson) origin = { type: 'notebook', guid: source.id };
    } else {
      content = await this.incoming(req.content, req.fileReference);
    }
    return this.insert({
      container,
      name,
      description,
      tags,
      runtime,
      kernel: kernel ?? content.notebook.kernel,
      origin,
      ownerId: req.createdBy,
      content,
    });
  }

  /** By id in the container, or in whatever container when the request names none. */
  async get(req: notebooksV1.GetNotebookRequest): Promise<NotebookEntity> {
    const container = req.projectId || req.spaceId ? checkContainer(req.projectId, req.spaceId) : null;
    const notebook = await findNotebook(this.db.manager, container, req.id);
    if (!notebook) throw notebookNotFound(container, req.id);
    return notebook;
  }

  /** The container's notebooks among `notebook_ids`, in the order asked, each once; other ids are left out. */
  async list(req: notebooksV1.ListNotebooksRequest): Promise<NotebookEntity[]> {
    const container = checkContainer(req.projectId, req.spaceId);
    if (req.notebookIds.length > MAX_LISTED_IDS)
      throw PlatformError.invalid(`notebooks may name at most ${MAX_LISTED_IDS} notebooks.`, 'notebooks');
    const ids = [...new Set(req.notebookIds.filter(isIssuedId))];
    if (ids.length === 0) return [];
    const where = container.projectId ? { id: In(ids), projectId: container.projectId } : { id: In(ids), spaceId: container.spaceId ?? '' };
    const rows = await this.db.getRepository(NotebookEntity).find({ where });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Name, description, runtime, kernel and (validated, like a create) new current content; the revision goes up. */
  async update(req: notebooksV1.UpdateNotebookRequest): Promise<NotebookEntity> {
    const container = checkContainer(req.projectId, req.spaceId);
    const name = req.name === undefined ? undefined : checkName(req.name);
    const description = req.description === undefined ? undefined : checkDescription(req.description);
    const environment = req.environment === undefined ? undefined : checkEnvironment(req.environment, 'environment');
    const kernel = readKernel(req.kernelJson);
    if (req.content.length > 0 && req.fileReference)
      throw PlatformError.invalid('Give at most one of content and file_reference.', 'file_reference');
    const content = req.content.length > 0 || req.fileReference ? await this.incoming(req.content, req.fileReference) : undefined;

    return this.changeContent(container, req.id, content?.bytes, (row) => {
      if (name !== undefined) row.name = name;
      if (description !== undefined) row.description = description;
      if (environment !== undefined || req.sparkMonitoringEnabled !== undefined) {
        const runtime: NotebookRuntime = { ...(row.runtime ?? {}) };
        if (environment !== undefined) runtime.environment = environment;
        if (req.sparkMonitoringEnabled !== undefined) runtime.spark_monitoring_enabled = req.sparkMonitoringEnabled;
        row.runtime = runtime;
      }
      if (kernel) row.kernel = kernel;
      if (content) row.revertedToVersionId = null;
    });
  }

  /** The row (its versions with it) first, then every object under the notebook's prefix. */
  async delete(req: notebooksV1.DeleteNotebookRequest): Promise<void> {
    const container = checkContainer(req.projectId, req.spaceId);
    await this.db.transaction(async (m) => {
      const row = await findNotebook(m, container, req.id, true);
      if (!row) throw notebookNotFound(container, req.id);
      await m.getRepository(NotebookEntity).delete({ id: row.id });
    });
    await this.content.discardNotebook(req.id);
  }

  /** A version's content becomes the current content (copied: the version stays, as do all later ones). */
  async revert(req: notebooksV1.RevertNotebookRequest): Promise<NotebookEntity> {
    const container = checkContainer(req.projectId, req.spaceId);
    checkId(req.versionId, 'source');
    const notebook = await findNotebook(this.db.manager, container, req.id);
    if (!notebook) throw notebookNotFound(container, req.id);
    const version = await findVersion(this.db.manager, notebook.id, req.versionId);
    if (!version) throw versionNotFound(notebook.id, req.versionId);
    const bytes = await this.content.read(version.contentKey, () => versionNotFound(notebook.id, req.versionId));
    return this.changeContent(container, req.id, bytes, async (row, m) => {
      // Deleted while its content was being copied: nothing changes.
      if (!(await findVersion(m, row.id, version.id))) throw versionNotFound(row.id, version.id);
      row.revertedToVersionId = version.id;
    });
  }

  /** A project's notebook (current content, or one version's) copied into a space as a new notebook without runtime. */
  async promote(req: notebooksV1.PromoteNotebookRequest): Promise<NotebookEntity> {
    if (!req.projectId) throw PlatformError.invalid('project_id (the project to promote from) is required.', 'project_id');
    if (!req.spaceId) throw PlatformError.invalid('space_id (the space to promote to) is required.', 'space_id');
    const from = checkContainer(req.projectId, '');
    const to = checkContainer('', req.spaceId);
    const name = req.name === undefined || req.name === '' ? undefined : checkName(req.name);
    const description = req.description === undefined ? undefined : checkDescription(req.description);
    const tags = req.tags.length ? checkTags(req.tags) : ['notebook'];
    const source = await findNotebook(this.db.manager, from, req.id);
    if (!source) throw notebookNotFound(from, req.id);
    let key = source.contentKey;
    let gone = () => notebookNotFound(from, req.id);
    if (req.versionId) {
      checkId(req.versionId, 'version_guid');
      const version = await findVersion(this.db.manager, source.id, req.versionId);
      if (!version) throw versionNotFound(source.id, req.versionId);
      key = version.contentKey;
      gone = () => versionNotFound(source.id, req.versionId);
    }
    const content = await this.load(key, gone);
    return this.insert({
      container: to,
      name: name ?? source.name,
      description: description ?? source.description,
      tags,
      runtime: null,
      kernel: source.kernel ?? content.notebook.kernel,
      origin: { type: 'notebook', guid: source.id },
      ownerId: req.createdBy,
      content,
    });
  }

  /** The `.ipynb` bytes of the current content or of one version. */
  async read(req: notebooksV1.GetNotebookContentRequest): Promise<Buffer> {
    const container = checkContainer(req.projectId, req.spaceId);
    const notebook = await findNotebook(this.db.manager, container, req.id);
    if (!notebook) throw notebookNotFound(container, req.id);
    if (!req.versionId) return this.content.read(notebook.contentKey, () => notebookNotFound(container, req.id));
    const version = await findVersion(this.db.manager, notebook.id, req.versionId);
    if (!version) throw versionNotFound(notebook.id, req.versionId);
    return this.content.read(version.contentKey, () => versionNotFound(notebook.id, req.versionId));
  }

  /** Uploaded bytes or a file of the storage, validated. */
  private async incoming(bytes: Uint8Array, fileReference: string): Promise<Content> {
    if (bytes.length > 0) {
      if (bytes.length > this.content.maxBytes)
        throw PlatformError.invalid(`The notebook is ${bytes.length} bytes; at most ${this.content.maxBytes} are accepted.`, 'content');
      const buffer = Buffer.from(bytes);
      return { bytes: buffer, notebook: validateNotebook(buffer, 'content') };
    }
    const buffer = await this.content.readReference(checkFileReference(fileReference, this.content.contentPrefix));
    return { bytes: buffer, notebook: validateNotebook(buffer, 'file_reference') };
  }

  /** One of the service's own objects (a stored notebook's or version's content), validated again as it is reused. */
  private async load(key: string, gone: () => PlatformError): Promise<Content> {
    const bytes = await this.content.read(key, gone);
    return { bytes, notebook: validateNotebook(bytes, 'source') };
  }

  private async insert(n: {
    container: Container;
    name: string;
    description: string;
    tags: string[];
    runtime: NotebookRuntime | null;
    kernel: NotebookKernel | null;
    origin: NotebookOrigin;
    ownerId: string;
    content: Content;
  }): Promise<NotebookEntity> {
    const id = randomUUID();
    const key = this.content.newCurrentKey(id);
    await this.content.put(key, n.content.bytes);
    try {
      const repo = this.db.getRepository(NotebookEntity);
      return await repo.save(
        repo.create({
          id,
          projectId: n.container.projectId,
          spaceId: n.container.spaceId,
          name: n.name,
          description: n.description,
          tags: n.tags,
          kernel: n.kernel,
          runtime: n.runtime,
          originatesFrom: n.origin,
          ownerId: n.ownerId,
          contentKey: key,
          contentSize: n.content.bytes.length,
          revision: 1,
          lastRevId: 0,
          revertedToVersionId: null,
        }),
      );
    } catch (e) {
      await this.content.discard(key);
      throw e;
    }
  }

  /**
   * Applies `change` to the locked row and bumps its revision. With `bytes`, they are first written to a new object
   * that the row then points at; the object the row pointed at before is deleted after the commit, the new one when
   * the transaction fails.
   */
  private async changeContent(
    container: Container,
    id: string,
    bytes: Buffer | undefined,
    change: (row: NotebookEntity, m: EntityManager) => void | Promise<void>,
  ): Promise<NotebookEntity> {
    const newKey = bytes ? this.content.newCurrentKey(id) : undefined;
    if (newKey && bytes) {
      // Only a notebook that exists gets an object written under its prefix.
      if (!(await findNotebook(this.db.manager, container, id))) throw notebookNotFound(container, id);
      await this.content.put(newKey, bytes);
    }
    let oldKey: string | undefined;
    try {
      const saved = await this.db.transaction(async (m) => {
        const row = await findNotebook(m, container, id, true);
        if (!row) throw notebookNotFound(container, id);
        await change(row, m);
        if (newKey && bytes) {
          oldKey = row.contentKey;
          row.contentKey = newKey;
          row.contentSize = bytes.length;
        }
        row.revision += 1;
        row.updatedAt = new Date();
        return m.getRepository(NotebookEntity).save(row);
      });
      if (oldKey) await this.content.discard(oldKey);
      return saved;
    } catch (e) {
      if (newKey) await this.content.discard(newKey);
      throw e;
    }
  }
}
