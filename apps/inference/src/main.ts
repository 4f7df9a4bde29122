import { runMain } from '@platform/common';
import { grpcServiceMain } from '@platform/service';
import { inferenceHotRpcs } from './hot-rpcs';
import { InferenceModule } from './inference.module';

export const startInferenceService = grpcServiceMain('inference', InferenceModule, { plainMethods: inferenceHotRpcs });

if (require.main === module) runMain(startInferenceService);
