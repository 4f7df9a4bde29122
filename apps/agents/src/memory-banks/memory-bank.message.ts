import type { agentsV1 } from '@platform/contracts';
import type { MemoryHit } from './memory-bank-search';
import type { BankSummary } from './memory-banks.service';

export function toMemoryBankMessage({ bank, documentCount, chunkCount }: BankSummary): agentsV1.MemoryBank {
  return {
    uuid: bank.bankUuid,
    name: bank.name,
    projectId: bank.projectId,
    documentCount,
    chunkCount,
    createdAt: bank.createdAt,
  };
}

export function toRetrievedChunk(hit: MemoryHit): agentsV1.RetrievedChunk {
  return {
    bankUuid: hit.bankUuid,
    documentUuid: hit.documentUuid,
    chunkIndex: hit.chunkIndex,
    text: hit.text,
    score: hit.score,
    metadataJson: JSON.stringify(hit.metadata),
  };
}
