import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { callSignal } from '@platform/common';
import { evaluationV1, type inferenceV1 } from '@platform/contracts';
import { ModelClient } from './clients/model-client';
import type { EvalSettings } from './evaluation-settings';
import { EVAL_SETTINGS, INFERENCE } from './evaluation.tokens';
import { scoreRewards } from './rewards/score-rewards';
import type { EvaluationRunEntity } from './runs/evaluation-run.entity';
import { RunStore } from './runs/run-store';

function toMessage(r: EvaluationRunEntity): evaluationV1.EvaluationRun {
  return {
    id: r.id,
    modelId: r.modelId,
    projectId: r.projectId,
    kind: r.kind,
    status: r.status,
    phase: r.phase,
    epoch: r.epoch,
    objectPrefix: r.objectPrefix,
    metricsJson: r.metrics ? JSON.stringify(r.metrics) : '',
    reason: r.reason ?? '',
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

@Controller()
@evaluationV1.EvaluationServiceControllerMethods()
export class EvaluationGrpcController implements evaluationV1.EvaluationServiceController {
  constructor(
    @Inject(INFERENCE) private readonly inference: inferenceV1.InferenceServiceClient,
    @Inject(EVAL_SETTINGS) private readonly settings: EvalSettings,
    private readonly runs: RunStore,
  ) {}

  scoreRewards(req: evaluationV1.ScoreRewardsRequest, _md?: Metadata, call?: unknown): Promise<evaluationV1.ScoreRewardsResponse> {
    // Its judge calls stop when the caller goes away (the gateway or SDG cancelling for their own callers).
    return scoreRewards(new ModelClient(this.inference, req.projectId, callSignal(call)), req, this.settings.judgeMaxTokens);
  }

  async getEvaluation(req: evaluationV1.GetEvaluationRequest): Promise<evaluationV1.GetEvaluationResponse> {
    return { runs: (await this.runs.list(req.projectId, req.modelId)).map(toMessage) };
  }
}
