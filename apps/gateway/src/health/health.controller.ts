import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ReadinessRegistry } from '@platform/common';
import type { FastifyReply } from 'fastify';
import type { Registry } from 'prom-client';
import { CredentialLiveness } from '../auth/credential-liveness';
import { Public } from '../auth/public.decorator';
import { TokenService } from '../auth/token.service';
import { GatewayConfig } from '../gateway.config';
import { requireMetricsAccess } from './metrics-access';

export const METRICS_REGISTRY = 'METRICS_REGISTRY';

@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: ReadinessRegistry,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(GatewayConfig.token) private readonly config: GatewayConfig,
    private readonly tokens: TokenService,
    private readonly liveness: CredentialLiveness,
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

  /** Passed by the AuthGuard because Prometheus presents a static token, not a JWT: metrics-access.ts decides who reads. */
  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    await requireMetricsAccess(reply.request.headers.authorization, {
      metricsToken: this.config.metricsToken,
      tokens: this.tokens,
      liveness: this.liveness,
    });
    reply.header('content-type', this.registry.contentType).send(await this.registry.metrics());
  }
}
