import { runMain } from '@platform/common';
import { grpcServiceMain } from '@platform/service';
import { AgentsModule } from './agents.module';

export const startAgentsService = grpcServiceMain('agents', AgentsModule);

if (require.main === module) runMain(startAgentsService);
