import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { PlatformError } from '@platform/common';
import { UsersService } from '../identity/users.service';
import { AuthorizeRequest, IamTokenRequest } from './authorize.dto';
import { Public } from './public.decorator';
import { TokenService } from './token.service';

@ApiTags('Authentication')
@Public()
@Controller()
export class AuthorizeController {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
  ) {}

  @Post('icp4d-api/v1/authorize')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a username with a password or API key for a bearer token (CP4D flow)' })
  async authorize(@Body() body: AuthorizeRequest) {
    if ((body.password === undefined) === (body.api_key === undefined)) {
      throw PlatformError.invalid('Give exactly one of password or api_key.', body.password === undefined ? 'password' : 'api_key');
    }
    const login =
      body.password !== undefined
        ? await this.users.authenticateWithPassword(body.username, body.password).then((user) => user && { user, apiKeyId: undefined })
        : await this.users.authenticateWithApiKey(body.api_key as string, body.username);
    if (!login) throw PlatformError.unauthorized('The username or credentials are not valid.');
    const { token } = await this.tokens.issue(login.user, 'access', login.apiKeyId);
    return { _messageCode_: '200', message: 'Success', token };
  }

  @Post('identity/token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange an API key for an access token (IAM flow, form-encoded)' })
  async iamToken(@Body() body: IamTokenRequest) {
    const login = await this.users.authenticateWithApiKey(body.apikey);
    if (!login) throw PlatformError.unauthorized('Provided API key could not be found.');
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
