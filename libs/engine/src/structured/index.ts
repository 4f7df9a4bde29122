export { ConstraintCompiler, type ConstraintCompilerOptions } from './constraint-compiler';
export { MAX_CHOICES, MAX_SPEC_CHARS } from './grammar-source';
export { xgrammarVocabulary } from './vocabulary';
