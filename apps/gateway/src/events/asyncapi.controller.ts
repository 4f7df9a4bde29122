import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import { PUBLIC_URL } from '../http/public-url';
import { asyncApiDocument } from './asyncapi-document';

/** `GET /asyncapi.json`, next to /openapi.json: the AsyncAPI 3 document of the event stream and the NATS subjects. */
@ApiExcludeController()
@Public()
@Controller()
export class AsyncApiController {
  private readonly document: string;

  constructor(@Inject(PUBLIC_URL) publicUrl: string) {
    this.document = JSON.stringify(asyncApiDocument(publicUrl));
  }

  @Get('asyncapi.json')
  @Header('content-type', 'application/json; charset=utf-8')
  asyncapi(): string {
    return this.document;
  }
}
