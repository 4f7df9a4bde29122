import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PlatformError, WATSONX_PAGE, pageFields, pageRequest } from '@platform/common';
import { CredentialLiveness } from '../auth/credential-liveness';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { PUBLIC_URL } from '../http/public-url';
import { UsersService } from '../identity/users.service';
import type { UserEntity } from '../identity/user.entity';
import { CreateApiKeyRequest, CreateUserRequest } from './users.dto';

const userView = (u: UserEntity) => ({
  id: u.id,
  username: u.username,
  role: u.role,
  default_project_id: u.defaultProjectId,
  created_at: u.createdAt.toISOString(),
});

@ApiTags('Users')
@Controller('v2')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly liveness: CredentialLiveness,
    @Inject(PUBLIC_URL) private readonly publicUrl: string,
  ) {}

  @Post('users')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a user (platform admins only)' })
  async create(@Body() body: CreateUserRequest, @CurrentPrincipal() p: Principal) {
    if (p.role !== 'admin') throw PlatformError.forbidden('Only platform administrators can create users.');
    return userView(await this.users.create(body.username, body.password, body.role ?? 'user', p));
  }

  @Get('users/me')
  @ApiOperation({ summary: 'The authenticated user' })
  async me(@CurrentPrincipal() p: Principal) {
    const user = await this.users.findById(p.userId);
    if (!user) throw PlatformError.unauthorized('The user of this token no longer exists.');
    return userView(user);
  }

  @Post('api_keys')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API key for the caller; the key is shown only in this response' })
  async createKey(@Body() body: CreateApiKeyRequest, @CurrentPrincipal() p: Principal) {
    const { entity, apiKey } = await this.users.createApiKey(p.userId, body.name, p);
    return { id: entity.id, name: entity.name, api_key: apiKey, created_at: entity.createdAt.toISOString() };
  }

  @Get('api_keys')
  @ApiQuery({ name: 'limit', required: false, description: `1-${WATSONX_PAGE.maxLimit}, default ${WATSONX_PAGE.defaultLimit}` })
  @ApiQuery({ name: 'start', required: false, description: 'the token in next.start (or next.href) of the previous page' })
  @ApiOperation({ summary: "List the caller's API keys (without their secrets), oldest first, in pages" })
  async listKeys(@Query('limit') limit: string | undefined, @Query('start') start: string | undefined, @CurrentPrincipal() p: Principal) {
    const page = await this.users.listApiKeys(p.userId, pageRequest({ limit, start }, WATSONX_PAGE));
    return {
      api_keys: page.items.map((k) => ({ id: k.id, name: k.name, created_at: k.createdAt.toISOString() })),
      ...pageFields(`${this.publicUrl}/v2/api_keys`, {}, page),
    };
  }

  @Delete('api_keys/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete one of the caller’s API keys' })
  async deleteKey(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string, @CurrentPrincipal() p: Principal) {
    await this.users.deleteApiKey(p.userId, id, p);
    this.liveness.forgetUser(p.userId);
  }
}
