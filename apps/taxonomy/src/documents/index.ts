export { fetchLeafDocuments, type FetchedDocument, type FetchDocumentsOptions } from './fetch-leaf-documents';
export { knowledgeSources, type KnowledgeSource } from './knowledge-sources';
export type { DocumentLimits } from './document-limits';
export type { BoundCredential, GitCredential } from './git-credentials';
export { formatCredentialBinding, parseCredentialBinding, BindingSyntaxError } from './credential-binding';
export { isPrivateAddress, checkSourceAllowed } from './address-policy';
