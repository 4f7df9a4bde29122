import type { Provider } from '@nestjs/common';
import { ModelDefaults } from '../clients/model-defaults';
import { Limiter } from '../teacher/limiter';
import { InferenceTeacher, defaultConcurrency } from '../teacher/teacher-client';
import { inferenceGrpcClient } from '../teacher/inference-grpc';
import { evaluationGrpcClient } from './evaluation-client';
import { SyntheticDataService } from './synthetic-data.service';

/** Registered in the SDG module; the teacher's limiter bounds this route's calls like a job's. */
export const syntheticDataProvider: Provider = {
  provide: SyntheticDataService,
  inject: [ModelDefaults],
  useFactory: (models: ModelDefaults) => {
    const inference = inferenceGrpcClient();
    const evaluation = evaluationGrpcClient();
    const limiter = new Limiter(defaultConcurrency());
    return new SyntheticDataService((projectId) => new InferenceTeacher(inference.service, projectId, limiter), evaluation.service, models);
  },
};
