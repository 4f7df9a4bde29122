import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { WATSONX_PAGE, pageInfo, pageRequest } from '@platform/common';
import { documentsV1 } from '@platform/contracts';
import { toExtractionMessage } from './extraction.message';
import { ExtractionsService } from './extractions.service';

type ExtractionMethods = Pick<
  documentsV1.DocumentServiceController,
  'createExtraction' | 'listExtractions' | 'getExtraction' | 'deleteExtraction'
>;

/**
 * Marks the class's own methods as DocumentService RPCs. The generated DocumentServiceControllerMethods() marks every
 * method of the service and throws at load for one the class lacks, and the RAG experiments' methods live in rag/.
 */
function extractionGrpcMethods(constructor: { prototype: object }): void {
  for (const name of Object.getOwnPropertyNames(constructor.prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(constructor.prototype, name);
    if (name !== 'constructor' && typeof descriptor?.value === 'function')
      GrpcMethod(documentsV1.DOCUMENT_SERVICE_NAME, name)(constructor.prototype, name, descriptor);
  }
}

@Controller()
@extractionGrpcMethods
export class ExtractionsGrpcController implements ExtractionMethods {
  constructor(private readonly extractions: ExtractionsService) {}

  async createExtraction(req: documentsV1.CreateExtractionRequest): Promise<documentsV1.CreateExtractionResponse> {
    return { extraction: toExtractionMessage(await this.extractions.create(req)) };
  }

  async listExtractions(req: documentsV1.ListExtractionsRequest): Promise<documentsV1.ListExtractionsResponse> {
    const page = await this.extractions.list(req, pageRequest(req, WATSONX_PAGE));
    const { nextStart, totalCount } = pageInfo(page);
    return { extractions: page.items.map(toExtractionMessage), nextStart, totalCount };
  }

  async getExtraction(req: documentsV1.GetExtractionRequest): Promise<documentsV1.GetExtractionResponse> {
    return { extraction: toExtractionMessage(await this.extractions.get(req)) };
  }

  async deleteExtraction(req: documentsV1.DeleteExtractionRequest): Promise<documentsV1.DeleteExtractionResponse> {
    await this.extractions.delete(req);
    return {};
  }
}
