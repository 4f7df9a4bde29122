export { validateTaxonomy } from './validate-taxonomy';
export { taxonomyRefusal, INVALID_TAXONOMY } from './taxonomy-refusal';
