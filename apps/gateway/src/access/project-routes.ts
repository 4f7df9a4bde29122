import { Body, Delete, Get, HttpCode, Param, Post, Query, type Type } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { INSTRUCTLAB_PAGE, pageFields, pageRequest, requireInstructlabId, type Page, type PageRequest } from '@platform/common';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import type { MemberRole } from '../identity/membership.entity';
import type { UsersService } from '../identity/users.service';
import type { ContainerAccessService } from './container-access.service';
import { projectOrDefault } from './request-project';

export interface ProjectRoutesSpec<B> {
  /** The collection, served as /v1/projects/{project_id}/<path> and as /v1/<path> (?project_id= or the default project). */
  path: string;
  /** The member of a list answer that holds the items (the seed's `taxonomies`, `data`, `models`). */
  listKey: string;
  /** What the id names, for "The <noun> id must be …". */
  noun: string;
  /** The create body's DTO class (validated by the global pipe, described in OpenAPI). */
  body: Type<B>;
  createStatus: 201 | 202;
  summaries: { create: string; list: string; get: string; delete: string };
}

const inDefaultProject = (summary: string) => `${summary} (project: ?project_id= or the caller's default)`;

/**
 * A generic `@Body() body: B` compiles to the design type Object, which the validation pipe skips and OpenAPI cannot
 * describe; this names the DTO class instead (it runs after the compiler's own design metadata).
 */
function bodyType(index: number, type: Type): MethodDecorator {
  return (target, key) => {
    const types = [...((Reflect.getMetadata('design:paramtypes', target, key) as unknown[] | undefined) ?? [])];
    types[index] = type;
    Reflect.defineMetadata('design:paramtypes', types, target, key);
  };
}

/**
 * The routes every InstructLab resource has twice, under a project path and under /v1 with an optional project: the
 * project is resolved, the caller's role on it checked (viewer reads, editor writes) and the id validated here, so a
 * resource controller extends this and implements only the calls (`createIn`, `listIn`, `getIn`, `deleteIn`).
 */
export function projectRoutes<B>(spec: ProjectRoutesSpec<B>) {
  const collection = `projects/:project_id/${spec.path}`;
  const item = `${collection}/:id`;

  abstract class ProjectRoutes {
    constructor(
      protected readonly access: ContainerAccessService,
      protected readonly users: UsersService,
      protected readonly publicUrl: string,
    ) {}

    protected abstract createIn(projectId: string, body: B, p: Principal): Promise<unknown>;
    /** One page of the project's items, already in their list view. */
    protected abstract listIn(projectId: string, page: PageRequest, p: Principal): Promise<Page<unknown>>;
    protected abstract getIn(projectId: string, id: string, p: Principal): Promise<unknown>;
    protected abstract deleteIn(projectId: string, id: string, p: Principal): Promise<void>;

    @Post(collection)
    @HttpCode(spec.createStatus)
    @ApiOperation({ summary: spec.summaries.create })
    @bodyType(1, spec.body)
    async create(@Param('project_id') projectId: string, @Body() body: B, @CurrentPrincipal() p: Principal) {
      await this.authorize(projectId, p, 'editor');
      return this.createIn(projectId, body, p);
    }

    @Get(collection)
    @ApiQuery({ name: 'limit', required: false, description: `1-${INSTRUCTLAB_PAGE.maxLimit}, default ${INSTRUCTLAB_PAGE.defaultLimit}` })
    @ApiQuery({ name: 'start', required: false, description: 'the token in next.start (or next.href) of the previous page' })
    @ApiOperation({ summary: spec.summaries.list })
    async list(
      @Param('project_id') projectId: string,
      @Query('limit') limit: string | undefined,
      @Query('start') start: string | undefined,
      @CurrentPrincipal() p: Principal,
    ) {
      await this.authorize(projectId, p, 'viewer');
      const page = await this.listIn(projectId, pageRequest({ limit, start }, INSTRUCTLAB_PAGE), p);
      // Both list routes link to the project path: following `next` from either walks the same list.
      return { [spec.listKey]: page.items, ...pageFields(`${this.publicUrl}/v1/projects/${projectId}/${spec.path}`, {}, page) };
    }

    @Get(item)
    @ApiOperation({ summary: spec.summaries.get })
    async get(@Param('project_id') projectId: string, @Param('id') id: string, @CurrentPrincipal() p: Principal) {
      await this.authorizeItem(projectId, id, p, 'viewer');
      return this.getIn(projectId, id, p);
    }

    @Delete(item)
    @HttpCode(204)
    @ApiOperation({ summary: spec.summaries.delete })
    async delete(@Param('project_id') projectId: string, @Param('id') id: string, @CurrentPrincipal() p: Principal): Promise<void> {
      await this.authorizeItem(projectId, id, p, 'editor');
      await this.deleteIn(projectId, id, p);
    }

    @Post(spec.path)
    @HttpCode(spec.createStatus)
    @ApiQuery({ name: 'project_id', required: false })
    @ApiOperation({ summary: inDefaultProject(spec.summaries.create) })
    @bodyType(1, spec.body)
    async createDefault(@Query('project_id') projectId: string | undefined, @Body() body: B, @CurrentPrincipal() p: Principal) {
      return this.create(await this.projectOf(projectId, p), body, p);
    }

    @Get(spec.path)
    @ApiQuery({ name: 'project_id', required: false })
    @ApiQuery({ name: 'limit', required: false, description: `1-${INSTRUCTLAB_PAGE.maxLimit}, default ${INSTRUCTLAB_PAGE.defaultLimit}` })
    @ApiQuery({ name: 'start', required: false, description: 'the token in next.start (or next.href) of the previous page' })
    @ApiOperation({ summary: inDefaultProject(spec.summaries.list) })
    async listDefault(
      @Query('project_id') projectId: string | undefined,
      @Query('limit') limit: string | undefined,
      @Query('start') start: string | undefined,
      @CurrentPrincipal() p: Principal,
    ) {
      return this.list(await this.projectOf(projectId, p), limit, start, p);
    }

    @Get(`${spec.path}/:id`)
    @ApiQuery({ name: 'project_id', required: false })
    @ApiOperation({ summary: inDefaultProject(spec.summaries.get) })
    async getDefault(@Query('project_id') projectId: string | undefined, @Param('id') id: string, @CurrentPrincipal() p: Principal) {
      return this.get(await this.projectOf(projectId, p), id, p);
    }

    @Delete(`${spec.path}/:id`)
    @HttpCode(204)
    @ApiQuery({ name: 'project_id', required: false })
    @ApiOperation({ summary: inDefaultProject(spec.summaries.delete) })
    async deleteDefault(
      @Query('project_id') projectId: string | undefined,
      @Param('id') id: string,
      @CurrentPrincipal() p: Principal,
    ): Promise<void> {
      return this.delete(await this.projectOf(projectId, p), id, p);
    }

    protected projectOf(projectId: string | undefined, p: Principal): Promise<string> {
      return projectOrDefault(this.users, projectId, p);
    }

    protected async authorize(projectId: string, p: Principal, role: MemberRole): Promise<void> {
      await this.access.require('project', projectId, p, role);
    }

    protected async authorizeItem(projectId: string, id: string, p: Principal, role: MemberRole): Promise<void> {
      await this.authorize(projectId, p, role);
      requireInstructlabId(id, spec.noun);
    }
  }
  return ProjectRoutes;
}

/** `projectRoutes` plus POST …/{id}/cancel (editor) under both paths, for the job resources; implement `cancelIn` too. */
export function cancellableProjectRoutes<B>(spec: ProjectRoutesSpec<B> & { summaries: { cancel: string } }) {
  abstract class CancellableProjectRoutes extends projectRoutes(spec) {
    protected abstract cancelIn(projectId: string, id: string, p: Principal): Promise<void>;

    @Post(`projects/:project_id/${spec.path}/:id/cancel`)
    @HttpCode(204)
    @ApiOperation({ summary: spec.summaries.cancel })
    async cancel(@Param('project_id') projectId: string, @Param('id') id: string, @CurrentPrincipal() p: Principal): Promise<void> {
      await this.authorizeItem(projectId, id, p, 'editor');
      await this.cancelIn(projectId, id, p);
    }

    @Post(`${spec.path}/:id/cancel`)
    @HttpCode(204)
    @ApiQuery({ name: 'project_id', required: false })
    @ApiOperation({ summary: inDefaultProject(spec.summaries.cancel) })
    async cancelDefault(
      @Query('project_id') projectId: string | undefined,
      @Param('id') id: string,
      @CurrentPrincipal() p: Principal,
    ): Promise<void> {
      return this.cancel(await this.projectOf(projectId, p), id, p);
    }
  }
  return CancellableProjectRoutes;
}
