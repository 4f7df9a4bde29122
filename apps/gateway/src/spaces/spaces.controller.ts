import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseArrayPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { WATSONX_PAGE, pageFields, pageRequest } from '@platform/common';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ContainerAccessService } from '../access/container-access.service';
import { containerPatchOf } from '../access/container-patch';
import { CreateContainerRequest, JsonPatchOperation, ListQuery } from '../access/container.dto';
import { spaceView } from '../access/container-views';
import { PUBLIC_URL } from '../http/public-url';
import { ContainersService } from '../access/containers.service';

/** Deployment spaces, shaped as the official @ibm-cloud/watsonx-ai SDK's space methods expect. */
@ApiTags('Spaces')
@Controller('v2/spaces')
export class SpacesController {
  constructor(
    private readonly containers: ContainersService,
    private readonly access: ContainerAccessService,
    @Inject(PUBLIC_URL) private readonly publicUrl: string,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a deployment space; the caller becomes its admin' })
  async create(@Body() body: CreateContainerRequest, @CurrentPrincipal() p: Principal) {
    const { name, description, tags, ...extra } = body;
    const space = await this.containers.create('space', { name, description, tags, extra }, p);
    return spaceView(space, await this.containers.members(space.id));
  }

  @Get()
  @ApiOperation({ summary: 'List the spaces the caller is a member of' })
  async list(@Query() q: ListQuery, @CurrentPrincipal() p: Principal) {
    const page = await this.containers.list('space', p, pageRequest(q, WATSONX_PAGE), q.name);
    return { ...pageFields(`${this.publicUrl}/v2/spaces`, { name: q.name }, page), resources: page.items.map((s) => spaceView(s)) };
  }

  @Get(':id')
  @ApiQuery({ name: 'include', required: false, description: 'Comma-separated; `members` adds the member list.' })
  @ApiOperation({ summary: 'Get a space' })
  async get(@Param('id') id: string, @Query('include') include: string | undefined, @CurrentPrincipal() p: Principal) {
    const { container } = await this.access.require('space', id, p, 'viewer', 'space_id');
    const members = include?.split(',').includes('members') ? await this.containers.members(id) : undefined;
    return spaceView(container, members);
  }

  @Patch(':id')
  @ApiBody({ type: JsonPatchOperation, isArray: true })
  @ApiOperation({ summary: 'Update a space with a JSON patch on /name, /description or /tags (editor role)' })
  async update(
    @Param('id') id: string,
    @Body(new ParseArrayPipe({ items: JsonPatchOperation })) ops: JsonPatchOperation[],
    @CurrentPrincipal() p: Principal,
  ) {
    const { container } = await this.access.require('space', id, p, 'editor', 'space_id');
    return spaceView(await this.containers.update(container, await containerPatchOf(ops)));
  }

  @Delete(':id')
  @HttpCode(202)
  @ApiOperation({ summary: 'Delete a space (admin role)' })
  async delete(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
    const { container } = await this.access.require('space', id, p, 'admin', 'space_id');
    await this.containers.delete(container);
    return {};
  }
}
