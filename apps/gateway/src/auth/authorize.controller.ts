import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { PlatformError } from '@platform/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UsersService } from '../identity/users.service';
import { AuthorizeRequest, IamTokenRequest } from './authorize.dto';
import { Public } from './public.decorator';
import { SignIns } from './sign-ins';
import { TokenService } from './token.service';

/**
 * The sign-in routes. Each attempt is refused with 429 while its account or client address is blocked for too many
 * failures (before any password is hashed), and its outcome goes to the audit log.
 */
@ApiTags('Authentication')
@Public()
@Controller()
export class AuthorizeController {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly signIns: SignIns,
  ) {}

  @Post('icp4d-api/v1/authorize')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a username with a password or API key for a bearer token (CP4D flow)' })
  async authorize(@Body() body: AuthorizeRequest, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    if ((body.password === undefined) === (body.api_key === undefined)) {
      throw PlatformError.invalid('Give exactly one of password or api_key.', body.password === undefined ? 'password' : 'api_key');
    }
    const attempt = { account: body.username, address: req.ip };
    const details = { route: 'icp4d-api/v1/authorize', method: body.password !== undefined ? 'password' : 'api_key' } as const;
    await this.signIns.admit(attempt, reply);
    const login =
      body.password !== undefined
        ? await this.users.authenticateWithPassword(body.username, body.password)
        : await this.users.authenticateWithApiKey(body.api_key as string, body.username);
    if (!login.user) {
      await this.signIns.failed(attempt, login.reason, details);
      throw PlatformError.unauthorized('The username or credentials are not valid.');
    }
    await this.signIns.succeeded(attempt, login.user, { ...details, ...(login.apiKeyId ? { api_key_id: login.apiKeyId } : {}) });
    const { token } = await this.tokens.issue(login.user, 'access', login.apiKeyId);
    return { _messageCode_: '200', message: 'Success', token };
  }

  @Post('identity/token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange an API key for an access token (IAM flow, form-encoded)' })
  async iamToken(@Body() body: IamTokenRequest, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    // A bare key names no account until it matches, so only the client address is throttled.
    const attempt = { address: req.ip };
    const details = { route: 'identity/token', method: 'api_key' } as const;
    await this.signIns.admit(attempt, reply);
    const login = await this.users.authenticateWithApiKey(body.apikey);
    if (!login.user) {
      await this.signIns.failed(attempt, login.reason, details);
      throw PlatformError.unauthorized('Provided API key could not be found.');
    }
    await this.signIns.succeeded(attempt, login.user, { ...details, ...(login.apiKeyId ? { api_key_id: login.apiKeyId } : {}) });
    const access = await this.tokens.issue(login.user, 'access', login.apiKeyId);
    const refresh = await this.tokens.issue(login.user, 'refresh', login.apiKeyId);
    return {
      access_token: access.token,
      refresh_token: refresh.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      expiration: access.exp,
      scope: 'ibm openid',
    };
  }
}
