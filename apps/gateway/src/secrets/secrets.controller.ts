import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { INSTRUCTLAB_PAGE, pageFields, pageRequest, requireInstructlabId, unary } from '@platform/common';
import { secretsV1 } from '@platform/contracts';
import { ContainerAccessService } from '../access/container-access.service';
import { AuditLog } from '../audit/audit-log';
import { projectOrDefault } from '../access/request-project';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { PUBLIC_URL } from '../http/public-url';
import { UsersService } from '../identity/users.service';
import { TAXONOMY_CLIENT } from '../taxonomies/taxonomies.controller';
import { CreateSecretRequest } from './secret.dto';
import { secretView } from './secret-view';

/**
 * An IBM Secrets Manager–compatible store for the credentials taxonomies name in `secrets_manager_config.git_id`,
 * scoped to a project (?project_id= or the caller's default project). Values are write-only: no route returns them.
 * The taxonomy service owns the store, so a change is audited here right after it confirms it.
 */
@ApiTags('Secrets')
@Controller('api/v2/secrets')
export class SecretsController implements OnModuleInit {
  private secrets!: secretsV1.SecretsServiceClient;

  constructor(
    @Inject(TAXONOMY_CLIENT) private readonly client: ClientGrpc,
    private readonly access: ContainerAccessService,
    private readonly users: UsersService,
    private readonly audit: AuditLog,
    @Inject(PUBLIC_URL) private readonly publicUrl: string,
  ) {}

  onModuleInit(): void {
    this.secrets = this.client.getService<secretsV1.SecretsServiceClient>(secretsV1.SECRETS_SERVICE_NAME);
  }

  @Post()
  @HttpCode(201)
  @ApiQuery({ name: 'project_id', required: false })
  @ApiOperation({ summary: 'Create a username_password or arbitrary secret; returns its metadata' })
  async create(@Query('project_id') projectId: string | undefined, @Body() body: CreateSecretRequest, @CurrentPrincipal() p: Principal) {
    const project = await this.projectOf(projectId, p, 'editor');
    const res = await unary(
      this.secrets.createSecret({
        projectId: project,
        name: body.name,
        secretType: body.secret_type,
        description: body.description ?? '',
        username: body.username ?? '',
        password: body.password ?? '',
        payload: body.payload ?? '',
        // Optional here only so the taxonomy service, which owns the rule, names the field when it is missing.
        allowedUrls: body.allowed_urls ?? [],
        createdBy: p.userId,
      }),
    );
    const secret = res.secret as secretsV1.SecretMetadata;
    await this.audit.record({
      action: 'secret.created',
      actor: p,
      target: { type: 'secret', id: secret.id, name: secret.name },
      details: { project_id: project, secret_type: secret.secretType },
    });
    return secretView(secret);
  }

  @Get()
  @ApiQuery({ name: 'project_id', required: false })
  @ApiQuery({ name: 'limit', required: false, description: `1-${INSTRUCTLAB_PAGE.maxLimit}, default ${INSTRUCTLAB_PAGE.defaultLimit}` })
  @ApiQuery({ name: 'start', required: false, description: 'the token in next.start (or next.href) of the previous page' })
  @ApiOperation({ summary: 'List the secrets of a project (metadata only), newest first, in pages' })
  async list(
    @Query('project_id') projectId: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('start') start: string | undefined,
    @CurrentPrincipal() p: Principal,
  ) {
    const page = pageRequest({ limit, start }, INSTRUCTLAB_PAGE);
    const project = await this.projectOf(projectId, p, 'viewer');
    const res = await unary(this.secrets.listSecrets({ projectId: project, ...page }));
    return { secrets: res.secrets.map(secretView), ...pageFields(`${this.publicUrl}/api/v2/secrets`, { project_id: project }, res) };
  }

  @Get(':id')
  @ApiQuery({ name: 'project_id', required: false })
  @ApiOperation({ summary: "Get a secret's metadata (values are write-only)" })
  async get(@Query('project_id') projectId: string | undefined, @Param('id') id: string, @CurrentPrincipal() p: Principal) {
    const project = await this.projectOf(projectId, p, 'viewer');
    requireInstructlabId(id, 'secret');
    const res = await unary(this.secrets.getSecret({ projectId: project, id }));
    return secretView(res.secret as secretsV1.SecretMetadata);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiQuery({ name: 'project_id', required: false })
  @ApiOperation({ summary: 'Delete a secret' })
  async delete(
    @Query('project_id') projectId: string | undefined,
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<void> {
    const project = await this.projectOf(projectId, p, 'editor');
    requireInstructlabId(id, 'secret');
    await unary(this.secrets.deleteSecret({ projectId: project, id }));
    await this.audit.record({ action: 'secret.deleted', actor: p, target: { type: 'secret', id }, details: { project_id: project } });
  }

  private async projectOf(projectId: string | undefined, p: Principal, role: 'viewer' | 'editor'): Promise<string> {
    const project = await projectOrDefault(this.users, projectId, p);
    await this.access.require('project', project, p, role);
    return project;
  }
}
