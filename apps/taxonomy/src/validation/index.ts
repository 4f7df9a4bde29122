export { validateTaxonomy } from './validate-taxonomy';
export { validateLeaf } from './validate-leaf';
export { taxonomyRefusal, INVALID_TAXONOMY } from './taxonomy-refusal';
export type { LeafIssue, FileIssue } from './leaf-issue';
