import { createParamDecorator, ValidationPipe, type ExecutionContext, type PipeTransform, type Type } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RequestValidationError } from '../../http/request-validation.error';
import type { Check } from './shape';

/**
 * The global pipe's settings (create-gateway.ts); `validateCustomDecorators` because CheckedBody is one, which is also
 * why the global pipe leaves these bodies alone.
 */
const classValidator = new ValidationPipe({
  whitelist: true,
  transform: true,
  validateCustomDecorators: true,
  exceptionFactory: (errors) => RequestValidationError.fromClassValidator(errors),
});

/**
 * Validates a hot route's body with a precompiled accept-only check first; only a body it is not sure about goes
 * through class-validator (which answers with the usual 400 messages or strips unknown fields). class-validator's
 * reflection and instance building were the largest single cost of the gateway's text routes.
 */
class CheckedBodyPipe<T> implements PipeTransform<unknown, Promise<T>> {
  constructor(
    private readonly dto: Type<T>,
    private readonly check: Check,
  ) {}

  async transform(value: unknown): Promise<T> {
    if (this.check(value)) return value as T;
    return (await classValidator.transform(value, { type: 'custom', metatype: this.dto })) as T;
  }
}

const rawBody = createParamDecorator((_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<FastifyRequest>().body);

/** `@Body()` for the hot text routes: same result and same 400s, validated by `check` when it can vouch for the body. */
export function CheckedBody<T>(dto: Type<T>, check: Check): ParameterDecorator {
  return rawBody(new CheckedBodyPipe(dto, check));
}
