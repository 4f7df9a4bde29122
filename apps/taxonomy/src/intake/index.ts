export { readTaxonomyArchive, type TaxonomyArchive } from './read-taxonomy-archive';
export { estimateTaxonomyTokens, type TaxonomyTokenEstimate } from './estimate-tokens';
export { UnsafeArchiveError, InvalidArchiveError, type UnsafeArchiveCode } from './errors';
export { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './limits';
export { LEAF_ROOTS } from './taxonomy-root';
export { leafText, trainingTextOf, type LeafText } from './leaf-text';
export { countTokens } from './tokenizer';
export { MAX_YAML_ALIASES, scanAliases, type AliasScan } from './yaml-aliases';
