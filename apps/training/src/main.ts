import { runMain } from '@platform/common';
import { grpcServiceMain } from '@platform/service';
import { TrainingModule } from './training.module';

export const startTrainingService = grpcServiceMain('training', TrainingModule);

if (require.main === module) runMain(startTrainingService);
