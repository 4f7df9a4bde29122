export { fetchLeafDocuments, type FetchedDocument, type FetchDocumentsOptions } from './fetch-leaf-documents';
export { knowledgeSources, type KnowledgeSource } from './knowledge-sources';
export type { DocumentLimits } from './document-limits';
export type { GitCredential } from './git-credentials';
export { isPrivateAddress, checkSourceAllowed } from './address-policy';
