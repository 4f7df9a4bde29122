import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, type Type } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PlatformError } from '@platform/common';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import type { ContainerKind } from '../identity/container.entity';
import { ContainerAccessService } from './container-access.service';
import { MembersRequest } from './container.dto';
import { memberView } from './container-views';
import { ContainersService } from './containers.service';

const memberName = (m: { user_name?: string; id?: string }) => (m.user_name ?? m.id) as string;

/** Members were added without being asked, so any member may leave: removing only herself needs no admin role. */
const leaving = (names: string[], p: Principal) => names.length === 1 && names[0] === p.username;

/**
 * Member routes are identical for projects and spaces, so one controller class is built per kind:
 * GET/POST/PATCH/DELETE /v2/projects/{id}/members, GET/DELETE /v2/projects/{id}/members/{user_name}, and the same
 * under /v2/spaces/{id}/members. Every change keeps at least one admin (409 otherwise, see ContainersService).
 */
export function membersController(kind: ContainerKind): Type<unknown> {
  const base = `v2/${kind}s/:id/members`;

  @ApiTags(kind === 'project' ? 'Projects' : 'Spaces')
  @Controller(base)
  class MembersController {
    constructor(
      readonly access: ContainerAccessService,
      readonly containers: ContainersService,
    ) {}

    @Get()
    @ApiOperation({ summary: `List the members of a ${kind}` })
    async list(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
      await this.access.require(kind, id, p, 'viewer');
      return { members: (await this.containers.members(id)).map(memberView) };
    }

    @Get(':userName')
    @ApiOperation({ summary: `Get one member of a ${kind}` })
    async get(@Param('id') id: string, @Param('userName') userName: string, @CurrentPrincipal() p: Principal) {
      await this.access.require(kind, id, p, 'viewer');
      const member = (await this.containers.members(id)).find((m) => m.username === userName);
      if (!member) throw PlatformError.notFound(`${userName} is not a member of ${kind} ${id}.`, 'member_not_found');
      return memberView(member);
    }

    @Post()
    @ApiOperation({ summary: `Add members to a ${kind} (admin role)` })
    async add(@Param('id') id: string, @Body() body: MembersRequest, @CurrentPrincipal() p: Principal) {
      await this.access.require(kind, id, p, 'admin');
      const added = await this.containers.upsertMembers(
        id,
        body.members.map((m) => ({ username: memberName(m), role: m.role })),
        { actor: p },
      );
      return { members: added.map(memberView) };
    }

    @Patch()
    @ApiOperation({ summary: `Change member roles in a ${kind} (admin role)` })
    async update(@Param('id') id: string, @Body() body: MembersRequest, @CurrentPrincipal() p: Principal) {
      await this.access.require(kind, id, p, 'admin');
      const updated = await this.containers.upsertMembers(
        id,
        body.members.map((m) => ({ username: memberName(m), role: m.role })),
        { existingOnly: true, actor: p },
      );
      return { members: updated.map(memberView) };
    }

    @Delete()
    @HttpCode(204)
    @ApiQuery({ name: 'user_names', required: true, description: 'Comma-separated user names.' })
    @ApiOperation({ summary: `Remove members from a ${kind} (admin role; any member may remove herself); ?user_names=a,b` })
    async remove(@Param('id') id: string, @Query('user_names') userNames: string | undefined, @CurrentPrincipal() p: Principal) {
      const names = (userNames ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (!names.length) throw PlatformError.invalid('Query parameter user_names is required.', 'user_names');
      await this.access.require(kind, id, p, leaving(names, p) ? 'viewer' : 'admin');
      await this.containers.removeMembers(id, names, p);
    }

    @Delete(':userName')
    @HttpCode(204)
    @ApiOperation({ summary: `Remove one member from a ${kind} (admin role), or leave it (any member, naming herself)` })
    async removeOne(@Param('id') id: string, @Param('userName') userName: string, @CurrentPrincipal() p: Principal) {
      await this.access.require(kind, id, p, leaving([userName], p) ? 'viewer' : 'admin');
      await this.containers.removeMembers(id, [userName], p);
    }
  }
  return MembersController;
}
