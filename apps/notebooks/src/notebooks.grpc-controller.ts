import { Controller } from '@nestjs/common';
import { notebooksV1 } from '@platform/contracts';
import { NotebookVersionsService } from './notebooks/notebook-versions.service';
import { toNotebookMessage, toVersionMessage } from './notebooks/notebook.message';
import { NotebooksService } from './notebooks/notebooks.service';

/** `notebooks.v1.NotebookService`: `/v2/notebooks` behind the gateway. */
@Controller()
@notebooksV1.NotebookServiceControllerMethods()
export class NotebooksGrpcController implements notebooksV1.NotebookServiceController {
  constructor(
    private readonly notebooks: NotebooksService,
    private readonly versions: NotebookVersionsService,
  ) {}

  async createNotebook(req: notebooksV1.CreateNotebookRequest): Promise<notebooksV1.CreateNotebookResponse> {
    return { notebook: toNotebookMessage(await this.notebooks.create(req)) };
  }

  async getNotebook(req: notebooksV1.GetNotebookRequest): Promise<notebooksV1.GetNotebookResponse> {
    return { notebook: toNotebookMessage(await this.notebooks.get(req)) };
  }

  async listNotebooks(req: notebooksV1.ListNotebooksRequest): Promise<notebooksV1.ListNotebooksResponse> {
    return { notebooks: (await this.notebooks.list(req)).map(toNotebookMessage) };
  }

  async updateNotebook(req: notebooksV1.UpdateNotebookRequest): Promise<notebooksV1.UpdateNotebookResponse> {
    return { notebook: toNotebookMessage(await this.notebooks.update(req)) };
  }

  async deleteNotebook(req: notebooksV1.DeleteNotebookRequest): Promise<notebooksV1.DeleteNotebookResponse> {
    await this.notebooks.delete(req);
    return {};
  }

  async revertNotebook(req: notebooksV1.RevertNotebookRequest): Promise<notebooksV1.RevertNotebookResponse> {
    return { notebook: toNotebookMessage(await this.notebooks.revert(req)) };
  }

  async promoteNotebook(req: notebooksV1.PromoteNotebookRequest): Promise<notebooksV1.PromoteNotebookResponse> {
    return { notebook: toNotebookMessage(await this.notebooks.promote(req)) };
  }

  async getNotebookContent(req: notebooksV1.GetNotebookContentRequest): Promise<notebooksV1.GetNotebookContentResponse> {
    return { content: await this.notebooks.read(req) };
  }

  async createNotebookVersion(req: notebooksV1.CreateNotebookVersionRequest): Promise<notebooksV1.CreateNotebookVersionResponse> {
    const { version, notebook } = await this.versions.create(req);
    return { version: toVersionMessage(version, notebook) };
  }

  async listNotebookVersions(req: notebooksV1.ListNotebookVersionsRequest): Promise<notebooksV1.ListNotebookVersionsResponse> {
    const { versions, notebook } = await this.versions.list(req);
    return { versions: versions.map((v) => toVersionMessage(v, notebook)) };
  }

  async getNotebookVersion(req: notebooksV1.GetNotebookVersionRequest): Promise<notebooksV1.GetNotebookVersionResponse> {
    const { version, notebook } = await this.versions.get(req);
    return { version: toVersionMessage(version, notebook) };
  }

  async deleteNotebookVersion(req: notebooksV1.DeleteNotebookVersionRequest): Promise<notebooksV1.DeleteNotebookVersionResponse> {
    await this.versions.delete(req);
    return {};
  }
}
