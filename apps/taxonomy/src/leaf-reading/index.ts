export { LeafReader, LeafReadLimitError, type LeafReaderLimits } from './leaf-reader';
export { readLeaf, type LeafReading } from './read-leaf';
export { leafReadingRefusal, readingProblems, readingTokens } from './taxonomy-reading';
