import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { PinoNestLogger, createLogger } from '@platform/common';
import type { Registry } from 'prom-client';
import { AppModule } from './app.module';
import { DEFAULT_CONSOLE_DIR } from './console/console-dir';
import { registerConsole } from './console/console-static';
import { GatewayConfig } from './gateway.config';
import { METRICS_REGISTRY } from './health/health.controller';
import { registerBodyParsers } from './http/body-parsers';
import { ErrorEnvelopeFilter } from './http/error-envelope.filter';
import { frameworkErrorOptions, type FrameworkErrorContext } from './http/framework-errors';
import { registerHttpMetrics } from './http/http-metrics';
import { MAX_BODY_BYTES } from './http/input-limits';
import { BEARER_SCHEME, markBearerOperations } from './http/openapi-security';
import { PUBLIC_URL } from './http/public-url';
import { RequestValidationError } from './http/request-validation.error';
import { SingleQueryValuesPipe } from './http/single-query-values.pipe';
import { registerSecurityHeaders } from './http/security-headers';
import { boundShutdownDrain } from './http/shutdown-drain';
import { registerTraceHook } from './http/trace-hook';
import { withoutDraftSlash } from './llama-stack/post-training-paths';

export async function createGateway(): Promise<NestFastifyApplication> {
  const logger = createLogger('gateway');
  const config = GatewayConfig.load();
  // Refusals made before routing (long path parameters, oversized headers) answer in the envelope too.
  const frameworkErrors: FrameworkErrorContext = { logger };
  const adapter = new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    logger: false,
    // trustProxy decides the client address (request.ip) that sign-in limits and the audit log see.
    trustProxy: config.trustProxy,
    ...frameworkErrorOptions(frameworkErrors),
    rewriteUrl: (req: { url?: string }) => withoutDraftSlash(req.url ?? '/'),
  });
  // The body parsers are the input policy's (http/input-limits.ts), not Nest's defaults.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    bodyParser: false,
  });
  frameworkErrors.publicUrl = app.get<string>(PUBLIC_URL);
  const fastify = app.getHttpAdapter().getInstance();
  registerTraceHook(fastify);
  registerBodyParsers(fastify);
  registerSecurityHeaders(app);
  registerHttpMetrics(fastify, app.get<Registry>(METRICS_REGISTRY));
  // After the security headers, so the console's answers carry them too.
  await registerConsole(fastify, { dir: config.consoleDir ?? DEFAULT_CONSOLE_DIR, logger, publicUrl: app.get<string>(PUBLIC_URL) });

  app.useGlobalPipes(
    new SingleQueryValuesPipe(),
    new ValidationPipe({
      whitelist: true,
      transform: true,
      exceptionFactory: (errors) => RequestValidationError.fromClassValidator(errors),
    }),
  );
  app.useGlobalFilters(new ErrorEnvelopeFilter(logger, app.get<string>(PUBLIC_URL)));

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('LLM customization and serving platform')
      .setDescription('InstructLab, watsonx.ai-style and Llama Stack draft APIs behind one gateway.')
      .setVersion('0.1.0')
      .addBearerAuth(undefined, BEARER_SCHEME)
      .build(),
  );
  markBearerOperations(app, document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });

  // Closing drains the requests in flight for a bounded time (main.ts reports not ready first).
  boundShutdownDrain(fastify, config.drainTimeoutMs);
  return app;
}
