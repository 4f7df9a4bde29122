export { readTaxonomyArchive, type TaxonomyArchive } from './read-taxonomy-archive';
export { estimateTaxonomyTokens, type TaxonomyTokenEstimate } from './estimate-tokens';
export { UnsafeArchiveError, InvalidArchiveError, type UnsafeArchiveCode } from './errors';
export { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './limits';
export { leafText, trainingTextOf, type LeafText } from './leaf-text';
export { countTokens } from './tokenizer';
export { archiveKeyProblem } from './archive-key';
