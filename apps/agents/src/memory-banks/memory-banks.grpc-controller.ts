import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { agentsV1 } from '@platform/contracts';
import { BankDocumentsService } from './bank-documents.service';
import { MemoryBankSearch } from './memory-bank-search';
import { toMemoryBankMessage, toRetrievedChunk } from './memory-bank.message';
import { MemoryBanksService } from './memory-banks.service';

const SERVICE = agentsV1.AGENT_SERVICE_NAME;

/** The memory-bank methods this controller serves; the agents' methods are the turns controller's. */
type MemoryBankMethods = Pick<
  agentsV1.AgentServiceController,
  | 'createMemoryBank'
  | 'listMemoryBanks'
  | 'dropMemoryBank'
  | 'insertDocuments'
  | 'updateDocuments'
  | 'deleteDocuments'
  | 'getDocuments'
  | 'queryMemoryBanks'
>;

/** `agents.v1.AgentService`, its memory-bank half: the gateway's `/memory_banks/*` and `/memory_bank/*` routes. */
@Controller()
export class MemoryBanksGrpcController implements MemoryBankMethods {
  constructor(
    private readonly banks: MemoryBanksService,
    private readonly documents: BankDocumentsService,
    private readonly search: MemoryBankSearch,
  ) {}

  @GrpcMethod(SERVICE, 'createMemoryBank')
  async createMemoryBank(req: agentsV1.CreateMemoryBankRequest): Promise<agentsV1.CreateMemoryBankResponse> {
    return { bank: toMemoryBankMessage(await this.banks.create(req)) };
  }

  @GrpcMethod(SERVICE, 'listMemoryBanks')
  async listMemoryBanks(req: agentsV1.ListMemoryBanksRequest): Promise<agentsV1.ListMemoryBanksResponse> {
    return { banks: (await this.banks.list(req.projectId)).map(toMemoryBankMessage) };
  }

  @GrpcMethod(SERVICE, 'dropMemoryBank')
  async dropMemoryBank(req: agentsV1.DropMemoryBankRequest): Promise<agentsV1.DropMemoryBankResponse> {
    await this.banks.drop(req.projectId, req.bankUuid);
    return {};
  }

  @GrpcMethod(SERVICE, 'insertDocuments')
  async insertDocuments(req: agentsV1.InsertDocumentsRequest): Promise<agentsV1.InsertDocumentsResponse> {
    return { chunksIndexed: await this.documents.write(req, 'upsert') };
  }

  @GrpcMethod(SERVICE, 'updateDocuments')
  async updateDocuments(req: agentsV1.UpdateDocumentsRequest): Promise<agentsV1.UpdateDocumentsResponse> {
    return { chunksIndexed: await this.documents.write(req, 'update') };
  }

  @GrpcMethod(SERVICE, 'deleteDocuments')
  async deleteDocuments(req: agentsV1.DeleteDocumentsRequest): Promise<agentsV1.DeleteDocumentsResponse> {
    await this.documents.delete(req);
    return {};
  }

  @GrpcMethod(SERVICE, 'getDocuments')
  async getDocuments(req: agentsV1.GetDocumentsRequest): Promise<agentsV1.GetDocumentsResponse> {
    return { documents: await this.documents.get(req) };
  }

  @GrpcMethod(SERVICE, 'queryMemoryBanks')
  async queryMemoryBanks(req: agentsV1.QueryMemoryBanksRequest): Promise<agentsV1.QueryMemoryBanksResponse> {
    const hits = await this.search.query({
      projectId: req.projectId,
      bankUuids: req.bankUuids,
      query: req.query,
      topK: req.topK,
      mode: req.mode,
    });
    return { chunks: hits.map(toRetrievedChunk) };
  }
}
