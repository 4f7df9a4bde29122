import type { Provider } from '@nestjs/common';
import { BankDocumentsService } from './bank-documents.service';
import { DocumentChunks } from './document-chunks';
import { DocumentWriter } from './document-writer';
import { EmbeddingModels } from './embedding-model';
import { InferenceCalls } from './inference-calls';
import { MemoryBankSearch } from './memory-bank-search';
import { MemoryBanksService } from './memory-banks.service';

export { MemoryBanksGrpcController } from './memory-banks.grpc-controller';

/** Memory banks: banks, documents (read, chunked, embedded, written whole) and retrieval over them. */
export const memoryBankProviders: Provider[] = [
  InferenceCalls,
  EmbeddingModels,
  DocumentChunks,
  DocumentWriter,
  MemoryBanksService,
  BankDocumentsService,
  MemoryBankSearch,
];
