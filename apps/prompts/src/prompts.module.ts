import { Module } from '@nestjs/common';
import { PlatformServiceModule } from '@platform/service';
import { PromptsSchema1764800000700 } from './migrations/1764800000700-prompts-schema';
import { PromptsConfig } from './prompts.config';
import { PROMPTS_SCHEMA } from './prompts.tokens';

/**
 * The prompts service: prompts and prompt templates (`prompts/`), prompt sessions and their entries (`sessions/`),
 * and the one renderer of a prompt's text that `/v1/prompts/{id}/input` and prompt-template deployments share.
 */
@Module({
  imports: [
    PlatformServiceModule.forRoot({
      name: 'prompts',
      config: PromptsConfig,
      database: {
        schema: PROMPTS_SCHEMA,
        entities: [],
        migrations: [PromptsSchema1764800000700],
      },
    }),
  ],
  controllers: [],
  providers: [],
})
export class PromptsModule {}
