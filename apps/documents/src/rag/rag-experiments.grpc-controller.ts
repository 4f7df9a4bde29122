import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { WATSONX_PAGE, pageInfo, pageRequest } from '@platform/common';
import { documentsV1 } from '@platform/contracts';
import { toRagExperimentMessage } from './rag-experiment.message';
import { RagExperimentsService } from './rag-experiments.service';
import { RagPromptsService } from './rag-prompts.service';

type RagMethods = Pick<
  documentsV1.DocumentServiceController,
  'createRagExperiment' | 'listRagExperiments' | 'getRagExperiment' | 'deleteRagExperiment' | 'buildRagPrompt'
>;

/**
 * Marks the class's own methods as DocumentService RPCs. The generated DocumentServiceControllerMethods() marks every
 * method of the service and throws at load for one the class lacks, and the text extractions' methods live elsewhere.
 */
function ragGrpcMethods(constructor: { prototype: object }): void {
  for (const name of Object.getOwnPropertyNames(constructor.prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(constructor.prototype, name);
    if (name !== 'constructor' && typeof descriptor?.value === 'function')
      GrpcMethod(documentsV1.DOCUMENT_SERVICE_NAME, name)(constructor.prototype, name, descriptor);
  }
}

@Controller()
@ragGrpcMethods
export class RagExperimentsGrpcController implements RagMethods {
  constructor(
    private readonly experiments: RagExperimentsService,
    private readonly prompts: RagPromptsService,
  ) {}

  async createRagExperiment(req: documentsV1.CreateRagExperimentRequest): Promise<documentsV1.CreateRagExperimentResponse> {
    return { experiment: toRagExperimentMessage(await this.experiments.create(req)) };
  }

  async listRagExperiments(req: documentsV1.ListRagExperimentsRequest): Promise<documentsV1.ListRagExperimentsResponse> {
    const page = await this.experiments.list(req, pageRequest(req, WATSONX_PAGE));
    const { nextStart, totalCount } = pageInfo(page);
    return { experiments: page.items.map(toRagExperimentMessage), nextStart, totalCount };
  }

  async getRagExperiment(req: documentsV1.GetRagExperimentRequest): Promise<documentsV1.GetRagExperimentResponse> {
    return { experiment: toRagExperimentMessage(await this.experiments.get(req)) };
  }

  async deleteRagExperiment(req: documentsV1.DeleteRagExperimentRequest): Promise<documentsV1.DeleteRagExperimentResponse> {
    await this.experiments.delete(req);
    return {};
  }

  buildRagPrompt(req: documentsV1.BuildRagPromptRequest): Promise<documentsV1.BuildRagPromptResponse> {
    return this.prompts.build(req);
  }
}
