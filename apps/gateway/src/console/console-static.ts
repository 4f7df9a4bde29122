import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { PlatformError } from '@platform/common';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { sendError } from '../http/error-envelope.filter';
import { CONSOLE_BASE } from './console-dir';

/** Hashed file names (Vite): an asset never changes under its name, so browsers may keep it for a year. */
const ASSET_CACHE = 'public, max-age=31536000, immutable';

export interface ConsoleServing {
  /** The built console: index.html and assets/ (PLATFORM_CONSOLE_DIR, default dist/apps/console). */
  dir: string;
  logger: Logger;
  publicUrl: string;
}

/**
 * The web console on the gateway: `GET /` and `GET /ui` redirect to `/ui/`; `/ui/assets/*` are the built files
 * (long-lived cache, unknown names 404 in the envelope); any other `GET /ui/*` is the single-page app's index.html
 * (its router reads the path), revalidated on each visit. Not built: 404 saying how to build it, never a crash. These
 * routes need no token (the page signs in through the API); the security headers and CSP are the gateway's own.
 */
export async function registerConsole(fastify: FastifyInstance, { dir, logger, publicUrl }: ConsoleServing): Promise<void> {
  await fastify.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: `${CONSOLE_BASE}assets/`,
    // Files are looked up per request, so a console rebuilt while the gateway runs is served without a restart.
    wildcard: true,
    index: false,
    cacheControl: false,
    suppressWarning: true,
    // index.html goes through this plugin's sendFile too, and keeps its own no-cache.
    setHeaders: (reply, path) => void reply.header('cache-control', path.endsWith('index.html') ? 'no-cache' : ASSET_CACHE),
  });

  fastify.get('/', (_request, reply) => reply.redirect(CONSOLE_BASE, 302));
  fastify.get(CONSOLE_BASE.slice(0, -1), (_request, reply) => reply.redirect(CONSOLE_BASE, 302));
  fastify.get(`${CONSOLE_BASE}*`, async (request, reply) => {
    const built = await stat(join(dir, 'index.html')).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!built) {
      const message = `The web console is not built: run \`npx nx build console\` (npm start builds it), or set PLATFORM_CONSOLE_DIR to a built console.`;
      return sendError(PlatformError.notFound(message, 'console_not_built'), request, reply, logger, publicUrl);
    }
    return reply.sendFile('index.html', dir);
  });
}
