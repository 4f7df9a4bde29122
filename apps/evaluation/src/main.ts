import { runMain } from '@platform/common';
import { grpcServiceMain } from '@platform/service';
import { EvaluationModule } from './evaluation.module';

export const startEvaluationService = grpcServiceMain('evaluation', EvaluationModule);

if (require.main === module) runMain(startEvaluationService);
