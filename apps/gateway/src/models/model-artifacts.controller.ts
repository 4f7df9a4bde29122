import { Controller, Get, Inject, Param, Query, StreamableFile, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ModelArtifactJson, ModelArtifactListJson } from '@platform/api-types';
import { trainingV1 } from '@platform/contracts';
import { INSTRUCTLAB_PAGE, PlatformError, pageLinks, pageRequest, requireInstructlabId, unary } from '@platform/common';
import { headMany, type ObjectHead, type ObjectStore } from '@platform/object-store';
import { OBJECT_STORE } from '@platform/service';
import { ContainerAccessService } from '../access/container-access.service';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { pathToken, tokenPath } from '../asset-files/asset-file-paths';
import { PUBLIC_URL } from '../http/public-url';
import { artifactKey, attachmentDisposition } from './artifact-paths';
import { TRAINING_CLIENT } from './models.controller';

const ITEM = 'projects/:project_id/models/:id/artifacts';

/**
 * A model job's own objects (`trained_models/<id>/`: the epoch checkpoints, the published model, the evaluation results
 * and the run logs) listed and downloaded through the API, for viewers of the job's project. The job is read from the
 * training service first, so another project's job (or an unknown id) is a 404 and the prefix is the job's own.
 */
@ApiTags('InstructLab models')
@Controller('v1')
export class ModelArtifactsController implements OnModuleInit {
  private training!: trainingV1.TrainingServiceClient;

  constructor(
    @Inject(TRAINING_CLIENT) private readonly client: ClientGrpc,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(PUBLIC_URL) private readonly publicUrl: string,
    private readonly access: ContainerAccessService,
  ) {}

  onModuleInit(): void {
    this.training = this.client.getService<trainingV1.TrainingServiceClient>(trainingV1.TRAINING_SERVICE_NAME);
  }

  @Get(ITEM)
  @ApiQuery({ name: 'limit', required: false, description: `1-${INSTRUCTLAB_PAGE.maxLimit}, default ${INSTRUCTLAB_PAGE.defaultLimit}` })
  @ApiQuery({ name: 'start', required: false, description: 'the token in next.start (or next.href) of the previous page' })
  @ApiOperation({ summary: "List a model job's files (checkpoints, trained model, evaluation results, logs) by path, in pages" })
  async list(
    @Param('project_id') projectId: string,
    @Param('id') id: string,
    @Query('limit') limit: string | undefined,
    @Query('start') start: string | undefined,
    @CurrentPrincipal() p: Principal,
  ): Promise<ModelArtifactListJson> {
    const page = pageRequest({ limit, start }, INSTRUCTLAB_PAGE);
    const prefix = await this.jobPrefix(projectId, id, p);
    const after = page.start ? tokenPath(page.start) : undefined;
    const paths: string[] = [];
    let more = false;
    // Keys come in the bucket's order; a page starts after the last path of the previous one.
    for await (const key of this.store.list(prefix, after === undefined ? undefined : prefix + after)) {
      const path = key.slice(prefix.length);
      if (after !== undefined && Buffer.compare(Buffer.from(path, 'utf8'), Buffer.from(after, 'utf8')) <= 0) continue;
      if (paths.length === page.limit) {
        more = true;
        break;
      }
      paths.push(path);
    }
    const base = `${this.publicUrl}/v1/projects/${projectId}/models/${id}/artifacts`;
    const heads = await headMany(this.store, paths.map((path) => prefix + path));
    return {
      limit: page.limit,
      ...pageLinks(base, {}, { limit: page.limit, nextStart: more ? pathToken(paths[paths.length - 1]) : '' }),
      // A file removed since the listing is left out.
      artifacts: paths.flatMap((path, i) => {
        const head = heads[i];
        return head ? [artifactView(path, head, base)] : [];
      }),
    };
  }

  @Get(`${ITEM}/*`)
  @ApiOperation({ summary: "Download one of a model job's files, with its content type, length and file name" })
  async download(
    @Param('project_id') projectId: string,
    @Param('id') id: string,
    @Param('*') path: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<StreamableFile> {
    const prefix = await this.jobPrefix(projectId, id, p);
    const key = artifactKey(prefix, path);
    const head = await this.store.head(key);
    if (!head) throw notFound(path, id);
    const stream = await this.store.get(key);
    return new StreamableFile(stream, {
      type: head.contentType ?? 'application/octet-stream',
      length: head.size,
      disposition: attachmentDisposition(path),
    });
  }

  /** The job's own `trained_models/<id>/`, once the caller may view the project and the job is one of its jobs. */
  private async jobPrefix(projectId: string, id: string, p: Principal): Promise<string> {
    await this.access.require('project', projectId, p, 'viewer');
    requireInstructlabId(id, 'model');
    const res = await unary(this.training.getModelJob({ projectId, id }));
    const prefix = res.modelJob?.outputPrefix ?? '';
    if (!/^trained_models\/[^/]+\/$/.test(prefix)) throw PlatformError.notFound(`Model ${id} was not found in project ${projectId}.`, 'model_not_found');
    return prefix;
  }
}

function artifactView(path: string, head: ObjectHead, base: string): ModelArtifactJson {
  return {
    path,
    size: head.size,
    ...(head.contentType ? { content_type: head.contentType } : {}),
    modified_at: head.lastModified.toISOString(),
    href: `${base}/${path.split('/').map(encodeURIComponent).join('/')}`,
  };
}

const notFound = (path: string, id: string) => PlatformError.notFound(`The file ${path} was not found in model ${id}.`, 'file_not_found');
