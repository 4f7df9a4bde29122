import { status as GrpcStatus } from '@grpc/grpc-js';
import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Query, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PlatformError, unary } from '@platform/common';
import { trainingV1 } from '@platform/contracts';
import { ContainerAccessService } from '../access/container-access.service';
import type { RequestHeaders } from '../access/request-project';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { PUBLIC_URL } from '../http/public-url';
import { UsersService } from '../identity/users.service';
import { TRAINING_CLIENT } from '../models/models.controller';
import { LlamaStackModels } from './llama-stack-models';
import { PostTrainingDatasets } from './post-training-datasets';
import { postTrainingField, renameTargets } from './post-training-errors';
import { trainingProject } from './post-training-project';
import { dpoSettings, sftSettings, startModelOf } from './post-training-request';
import { jobArtifactsView, jobLogsView, jobStatusView } from './post-training-view';
import { PostTrainingRlhfRequestDto, PostTrainingSftRequestDto } from './post-training.dto';

const KINDS = ['post_training'];
const MAX_JOB_UUID_CHARS = 255;

/** `job_uuid` of the job routes: required, and no longer than one can be. */
export function jobUuidOf(id: string | undefined): string {
  if (!id) throw PlatformError.invalid('job_uuid is required.', 'job_uuid');
  if (id.length > MAX_JOB_UUID_CHARS) throw PlatformError.invalid(`job_uuid must be at most ${MAX_JOB_UUID_CHARS} characters.`, 'job_uuid');
  return id;
}

/**
 * Llama Stack draft `/post_training/*`: supervised fine tuning (full, LoRA) and DPO as tunings of kind post_training
 * in the training service (the jobs, queue and executors every training runs on), in the project of X-Project-Id
 * (else the caller's default). `job_uuid` is the caller's id of the job, unique in the project. The draft gives the
 * create routes no response body: they answer 200 `{job_uuid}`.
 */
@ApiTags('Llama Stack (draft)')
@ApiHeader({ name: 'X-Project-Id', required: false, description: 'project id; defaults to your default project' })
@Controller('post_training')
export class PostTrainingController implements OnModuleInit {
  private training!: trainingV1.TrainingServiceClient;
  private datasets!: PostTrainingDatasets;

  constructor(
    @Inject(TRAINING_CLIENT) private readonly client: ClientGrpc,
    @Inject(PUBLIC_URL) private readonly publicUrl: string,
    private readonly access: ContainerAccessService,
    private readonly users: UsersService,
    private readonly models: LlamaStackModels,
  ) {}

  onModuleInit(): void {
    this.training = this.client.getService<trainingV1.TrainingServiceClient>(trainingV1.TRAINING_SERVICE_NAME);
    this.datasets = new PostTrainingDatasets(this.training);
  }

  @Post('supervised_fine_tune')
  @HttpCode(200)
  @ApiOperation({ summary: 'Fine tune a model (full or LoRA) on a dataset; answers {job_uuid}' })
  async supervisedFineTune(@Body() body: PostTrainingSftRequestDto, @Headers() headers: RequestHeaders, @CurrentPrincipal() p: Principal) {
    const projectId = await trainingProject(headers, p, 'editor', this.users, this.access);
    const settings = sftSettings(body);
    const baseModel = await this.models.resolve(body.model);
    return this.create(projectId, p, body, { settings, baseModel, startModelPrefix: '' });
  }

  @Post('preference_optimize')
  @HttpCode(200)
  @ApiOperation({ summary: 'Align a model with DPO on a preference dataset ({prompt, chosen, rejected} rows); answers {job_uuid}' })
  async preferenceOptimize(@Body() body: PostTrainingRlhfRequestDto, @Headers() headers: RequestHeaders, @CurrentPrincipal() p: Principal) {
    const projectId = await trainingProject(headers, p, 'editor', this.users, this.access);
    const settings = dpoSettings(body);
    const start = startModelOf(body.finetuned_model, projectId);
    if (start.kind === 'model')
      return this.create(projectId, p, body, { settings, baseModel: await this.models.resolve(start.name), startModelPrefix: '' });
    // A checkpoint of an earlier post-training job was trained from that job's base model; any other directory takes
    // the platform's default base model (its tokenizer and architecture must match the directory's).
    const from = start.jobUuid ? await this.find(projectId, start.jobUuid).catch(() => undefined) : undefined;
    return this.create(projectId, p, body, { settings, baseModel: from?.baseModel ?? '', startModelPrefix: start.prefix });
  }

  @Get('job/status')
  @ApiQuery({ name: 'job_uuid', required: true })
  @ApiOperation({ summary: 'The status of a post-training job and its checkpoints' })
  async status(@Query('job_uuid') id: string | undefined, @Headers() headers: RequestHeaders, @CurrentPrincipal() p: Principal) {
    const jobUuid = jobUuidOf(id);
    const projectId = await trainingProject(headers, p, 'viewer', this.users, this.access);
    return jobStatusView(await this.find(projectId, jobUuid), this.publicUrl);
  }

  @Get('job/logs')
  @ApiQuery({ name: 'job_uuid', required: true })
  @ApiOperation({ summary: 'The run log of a post-training job, then its per-epoch loss (and DPO reward margin)' })
  async logs(@Query('job_uuid') id: string | undefined, @Headers() headers: RequestHeaders, @CurrentPrincipal() p: Principal) {
    const jobUuid = jobUuidOf(id);
    const projectId = await trainingProject(headers, p, 'viewer', this.users, this.access);
    const job = await this.find(projectId, jobUuid);
    const { lines } = await unary(this.training.getTuningLogs({ projectId, spaceId: '', id: jobUuid, kinds: KINDS, maxLines: 0 }));
    return jobLogsView(job, lines);
  }

  @Get('job/artifacts')
  @ApiQuery({ name: 'job_uuid', required: true })
  @ApiOperation({ summary: "A post-training job's checkpoints: epoch and the project storage directory it was copied to" })
  async artifacts(@Query('job_uuid') id: string | undefined, @Headers() headers: RequestHeaders, @CurrentPrincipal() p: Principal) {
    const jobUuid = jobUuidOf(id);
    const projectId = await trainingProject(headers, p, 'viewer', this.users, this.access);
    return jobArtifactsView(await this.find(projectId, jobUuid), this.publicUrl);
  }

  private async find(projectId: string, jobUuid: string): Promise<trainingV1.ModelJob> {
    const { modelJob } = await unary(this.training.getTuning({ projectId, spaceId: '', id: jobUuid, kinds: KINDS }));
    if (!modelJob) throw PlatformError.notFound(`Post-training job ${jobUuid} was not found.`, 'job_not_found');
    return modelJob;
  }

  /** Refuses a job_uuid in use before anything is written, makes the job's datasets, then queues the job. */
  private async create(
    projectId: string,
    p: Principal,
    body: PostTrainingSftRequestDto | PostTrainingRlhfRequestDto,
    job: { settings: trainingV1.TuningSettingsRequest; baseModel: string; startModelPrefix: string },
  ): Promise<{ job_uuid: string }> {
    const used = await this.find(projectId, body.job_uuid).then(
      () => true,
      (err: unknown) => {
        if ((err as { code?: number }).code === GrpcStatus.NOT_FOUND) return false;
        throw err;
      },
    );
    if (used) throw PlatformError.conflict(`job_uuid ${body.job_uuid} is already a post-training job of project ${projectId}.`, 'job_uuid');
    const datasets = await this.datasets.resolve(projectId, body.job_uuid, p.userId, body.dataset, body.validation_dataset);
    try {
      await unary(
        this.training.createTuning({
          kind: 'post_training',
          projectId,
          spaceId: '',
          name: body.job_uuid,
          description: '',
          tags: [],
          createdBy: p.userId,
          baseModel: job.baseModel,
          settings: job.settings,
          trainingDataReferencesJson: '',
          testDataReferencesJson: '',
          resultsReferenceJson: '',
          customJson: '',
          autoUpdateModel: false,
          jobUuid: body.job_uuid,
          datasetId: datasets.datasetId,
          validationDatasetId: datasets.validationDatasetId,
          startModelPrefix: job.startModelPrefix,
        }),
      );
    } catch (err) {
      await this.datasets.remove(projectId, datasets.created);
      throw renameTargets(err, postTrainingField);
    }
    return { job_uuid: body.job_uuid };
  }
}
