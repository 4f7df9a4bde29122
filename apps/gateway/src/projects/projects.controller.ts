import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { WATSONX_PAGE, pageFields, pageRequest } from '@platform/common';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ContainerAccessService } from '../access/container-access.service';
import { CreateContainerRequest, ListQuery } from '../access/container.dto';
import { projectView } from '../access/container-views';
import { ContainersService } from '../access/containers.service';
import { PUBLIC_URL } from '../http/public-url';
import { UsersService } from '../identity/users.service';

@ApiTags('Projects')
@Controller('v2/projects')
export class ProjectsController {
  constructor(
    private readonly containers: ContainersService,
    private readonly access: ContainerAccessService,
    private readonly users: UsersService,
    @Inject(PUBLIC_URL) private readonly publicUrl: string,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a project; the caller becomes its admin' })
  async create(@Body() body: CreateContainerRequest, @CurrentPrincipal() p: Principal) {
    const project = await this.containers.create(
      'project',
      {
        name: body.name,
        description: body.description,
        tags: body.tags,
        extra: { type: body.type, generator: body.generator, storage: body.storage },
      },
      p,
    );
    // A user's first project becomes the default for routes that take an optional project_id.
    await this.users.setDefaultProjectIfUnset(p.userId, project.id);
    return { location: `/v2/projects/${project.id}`, ...projectView(project) };
  }

  @Get()
  @ApiOperation({ summary: 'List the projects the caller is a member of' })
  async list(@Query() q: ListQuery, @CurrentPrincipal() p: Principal) {
    const page = await this.containers.list('project', p, pageRequest(q, WATSONX_PAGE), q.name);
    // The data platform's projects API names the count total_results.
    const { total_count, ...links } = pageFields(`${this.publicUrl}/v2/projects`, { name: q.name }, page);
    return { total_results: total_count, ...links, resources: page.items.map(projectView) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a project' })
  async get(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
    const { container } = await this.access.require('project', id, p, 'viewer');
    return projectView(container);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a project (admin role)' })
  async delete(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
    const { container } = await this.access.require('project', id, p, 'admin');
    await this.containers.delete(container);
  }
}
