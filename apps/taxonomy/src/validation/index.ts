export { taxonomyRefusal, INVALID_TAXONOMY } from './taxonomy-refusal';
