import { Module } from '@nestjs/common';
import { PlatformServiceModule } from '@platform/service';
import { PromptsSchema1764800000700 } from './migrations/1764800000700-prompts-schema';
import { PromptSessionsSchema1764800000710 } from './migrations/1764800000710-prompt-sessions-schema';
import { PromptEntity } from './prompts/prompt.entity';
import { PromptsGrpcController } from './prompts/prompts.grpc-controller';
import { PromptsService } from './prompts/prompts.service';
import { PromptsConfig } from './prompts.config';
import { PROMPTS_SCHEMA } from './prompts.tokens';
import { PromptSessionEntryEntity } from './sessions/prompt-session-entry.entity';
import { PromptSessionEntity } from './sessions/prompt-session.entity';
import { SessionsGrpcController } from './sessions/sessions.grpc-controller';
import { SessionsService } from './sessions/sessions.service';

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
        entities: [PromptEntity, PromptSessionEntity, PromptSessionEntryEntity],
        migrations: [PromptsSchema1764800000700, PromptSessionsSchema1764800000710],
      },
    }),
  ],
  controllers: [PromptsGrpcController, SessionsGrpcController],
  providers: [PromptsService, SessionsService],
})
export class PromptsModule {}
