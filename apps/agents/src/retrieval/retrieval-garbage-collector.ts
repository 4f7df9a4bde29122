import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from '@platform/common';
import type { RetrievalIndex } from '@platform/retrieval';
import { LOGGER } from '@platform/service';
import { RETRIEVAL_INDEX } from '../agents.tokens';

/** How often vectors left by replaced documents, dropped banks and writers that died mid-way are collected. */
const EVERY_MS = 10 * 60_000;

/**
 * Runs the retrieval index's collectGarbage now and then: a replace or a drop normally deletes what it leaves behind
 * itself, and only a failure or a crash between its steps leaves work here.
 */
@Injectable()
export class RetrievalGarbageCollector implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(RETRIEVAL_INDEX) private readonly index: RetrievalIndex,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.index
        .collectGarbage()
        .then(
          (removed) => {
            if (removed > 0) this.log.info({ removed }, 'retrieval generations collected');
          },
          (err: unknown) => this.log.warn({ err }, 'retrieval garbage collection failed; it runs again later'),
        )
        .finally(() => (this.running = undefined));
    }, EVERY_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
