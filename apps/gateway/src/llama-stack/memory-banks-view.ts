import type { agentsV1 } from '@platform/contracts';

/** The draft's MemoryBank: its uuid (the caller's) and name, nothing more (the schema allows no other property). */
export function memoryBankView(bank: agentsV1.MemoryBank): { uuid: string; name: string } {
  return { uuid: bank.uuid, name: bank.name };
}

/** The draft's MemoryBankDocument as inserted: the stored bytes base64 again, the metadata as sent. */
export function memoryBankDocumentView(doc: agentsV1.MemoryBankDocument) {
  return {
    uuid: doc.uuid,
    content: Buffer.from(doc.content).toString('base64'),
    metadata: (doc.metadataJson ? JSON.parse(doc.metadataJson) : {}) as Record<string, unknown>,
    mime_type: doc.mimeType,
  };
}
