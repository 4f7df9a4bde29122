import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ReadinessRegistry } from '@platform/common';
import type { FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import { Public } from '../auth/public.decorator';

export const METRICS_REGISTRY = 'METRICS_REGISTRY';

@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: ReadinessRegistry,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  /** Ready only when the database and every backing service answer; `?live` checks the process alone. */
  @Get('health')
  async health(@Res() reply: FastifyReply): Promise<void> {
    if ((reply.request.query as Record<string, unknown>).live !== undefined) {
      reply.status(200).send({ status: 'ok' });
      return;
    }
    const report = await this.readiness.check();
    reply.status(report.ready ? 200 : 503).send({ status: report.ready ? 'ok' : 'unavailable', checks: report.checks });
  }

  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    reply.header('content-type', this.registry.contentType).send(await this.registry.metrics());
  }
}
