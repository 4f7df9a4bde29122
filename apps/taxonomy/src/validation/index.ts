export { misnamedLeafIssues, validateTaxonomy } from './validate-taxonomy';
export { validateLeaf } from './validate-leaf';
export { taxonomyRefusal, INVALID_TAXONOMY } from './taxonomy-refusal';
export { byFileThenLine, type LeafIssue, type FileIssue } from './leaf-issue';
