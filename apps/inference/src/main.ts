import { runMain } from '@platform/common';
import { grpcServiceMain } from '@platform/service';
import { InferenceModule } from './inference.module';

export const startInferenceService = grpcServiceMain('inference', InferenceModule);

if (require.main === module) runMain(startInferenceService);
