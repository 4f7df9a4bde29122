import { describe, expect, it } from 'vitest';
import { createLogger, PlatformError } from '@platform/common';
import type { FastifyReply } from 'fastify';
import { EventStreams } from './event-streams';

const config = { eventStreams: { maxPerPrincipal: 1, maxTotal: 1, keepAliveMs: 1000, maxStreamMs: 60_000 } };

describe('EventStreams without NATS', () => {
  it('answers 503 events_unavailable before writing anything, and takes no slot', async () => {
    const streams = new EventStreams(null, config, createLogger('events-spec'));
    const reply = {} as FastifyReply;
    for (let i = 0; i < 2; i += 1) {
      const refused = await streams
        .serve(reply, 'u', { kind: 'project', containerId: 'p' }, {}, async () => undefined)
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PlatformError);
      expect((refused as PlatformError).code).toBe('events_unavailable');
    }
    expect(streams.openStreams).toBe(0);
  });
});
