import { runMain } from '@platform/common';
import { grpcServiceMain } from '@platform/service';
import { PromptsModule } from './prompts.module';

export const startPromptsService = grpcServiceMain('prompts', PromptsModule);

if (require.main === module) runMain(startPromptsService);
