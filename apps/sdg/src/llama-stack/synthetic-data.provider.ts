import type { Provider } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { evaluationV1, inferenceV1 } from '@platform/contracts';
import { ModelDefaults } from '../clients/model-defaults';
import { Limiter } from '../teacher/limiter';
import { InferenceTeacher } from '../teacher/teacher-client';
import { SdgConfig } from '../sdg.config';
import { EVALUATION_CLIENT, INFERENCE_CLIENT } from '../sdg.tokens';
import { SyntheticDataService } from './synthetic-data.service';

/** Registered in the SDG module; the teacher's limiter bounds this route's calls like a job's. */
export const syntheticDataProvider: Provider = {
  provide: SyntheticDataService,
  inject: [ModelDefaults, SdgConfig.token, INFERENCE_CLIENT, EVALUATION_CLIENT],
  useFactory: (models: ModelDefaults, { generation }: SdgConfig, inferenceClient: ClientGrpc, evaluationClient: ClientGrpc) => {
    const inference = inferenceClient.getService<inferenceV1.InferenceServiceClient>(inferenceV1.INFERENCE_SERVICE_NAME);
    const evaluation = evaluationClient.getService<evaluationV1.EvaluationServiceClient>(evaluationV1.EVALUATION_SERVICE_NAME);
    const limiter = new Limiter(generation.concurrency);
    const family = generation.modelFamily || undefined;
    return new SyntheticDataService((projectId) => new InferenceTeacher(inference, projectId, limiter, family), evaluation, models);
  },
};
